import { InvalidArgumentError, Option, type Command } from 'commander';
import { findTask, TASK_NAMES, TASKS } from './tasks';
import { BACKEND_NAMES, type BackendName } from '../reference/models/backend';
import { describeCheck, passes, type Check, type TaskOptions } from './tasks/task';
import { progressBar } from './progress';

/**
 * `gradcheck train <model>`: one end-to-end task (scripts/tasks) with a progress bar, its report
 * lines, and its metric against the target at the end.
 */
export interface TaskRun {
  task: string;
  backend: BackendName;
  checks: Check[];
  passed: boolean;
  seconds: number;
  /** CPU time of this process (every thread, SwiftShader's included): what a busy machine disturbs least. */
  cpuSeconds: number;
  files: string[];
}

export const DEFAULT_OUT_DIR = 'gradcheck-out';

/** Runs the task with a progress bar and its report lines, then prints its metric against the target. */
export async function runTaskWithProgress(name: string, options: Omit<TaskOptions, 'onIteration' | 'onReport'>): Promise<TaskRun> {
  const task = findTask(name);
  let bar: ReturnType<typeof progressBar> | undefined;
  let last = '';
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const outcome = await task.run({
    ...options,
    onIteration(i, total, loss) {
      bar ??= progressBar(`${name} (${options.backend})`, total);
      bar.tick(`loss ${loss.toFixed(4)}${last}`);
      if (i === total) {
        bar.stop();
        bar = undefined;
      }
    },
    onReport(line) {
      last = ` | ${line}`;
      if (bar) process.stderr.write('\n');
      console.log(line);
    },
  });
  bar?.stop();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const passed = outcome.checks.every(passes);
  for (const line of outcome.details ?? []) console.log(line);
  for (const file of outcome.files ?? []) console.log(`wrote ${file}`);
  console.log(
    `${name} (${options.backend}): ${outcome.checks.map(describeCheck).join(', ')}, ${seconds.toFixed(1)} s (CPU ${cpuSeconds.toFixed(1)} s) — ${passed ? 'PASS' : 'MISSED'}`,
  );
  return { task: name, backend: options.backend, checks: outcome.checks, passed, seconds, cpuSeconds, files: outcome.files ?? [] };
}

const integer =
  (flag: string, min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${flag} must be an integer ≥ ${min}, got "${value}"`);
    return n;
  };

/** `gradcheck train <model> [--backend reference|webgpu] [--epochs n] [--seed s] [--out dir]`; scripts/cli.ts calls this once. */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a model end to end (data, hyper-parameters and target in fixtures/e2e) and check its metric against the target; exits 1 when missed')
    .addArgument(program.createArgument('<model>', 'the model (listed below)').choices(TASK_NAMES))
    .addOption(new Option('--backend <backend>', 'reference ops (float64) or their WebGPU twins').choices(BACKEND_NAMES).default('reference'))
    .option('--epochs <n>', "epochs or steps (default: the fixture's)", integer('--epochs', 1))
    .option('--seed <s>', "weight-init and shuffling seed (default: the fixture's)", integer('--seed', 0))
    .option('--out <dir>', 'folder for the PNG files a model writes', DEFAULT_OUT_DIR)
    .addHelpText('after', `\nModels:\n${TASKS.map((t) => `  ${t.name.padEnd(26)}${t.summary}`).join('\n')}`)
    .action(async (model: string, opts: { backend: BackendName; epochs?: number; seed?: number; out: string }) => {
      const { out, ...rest } = opts;
      const result = await runTaskWithProgress(model, { ...rest, outDir: out });
      process.exitCode = result.passed ? 0 : 1;
    });
}
