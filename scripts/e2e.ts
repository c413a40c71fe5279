import { Command, Option } from 'commander';
import { releaseGpu } from '../accelerated/runtime/device';
import { TASK_NAMES } from './tasks';
import { BACKEND_NAMES, type BackendName } from '../reference/models/backend';
import { describeCheck, passes } from './tasks/task';
import { DEFAULT_OUT_DIR, runTaskWithProgress, type TaskRun } from './train';

/**
 * `npm run e2e [-- --backend reference|webgpu|both] [model…]`: the full runs of the end-to-end
 * tasks with their targets (fixtures/e2e), one after another, then a summary table; exits 1 when
 * any target is missed.
 */
const program = new Command('e2e')
  .argument('[models...]', `models (default: all of ${TASK_NAMES.join(', ')})`)
  .addOption(new Option('--backend <backend>', 'which backend(s) to run').choices([...BACKEND_NAMES, 'both']).default('both'))
  .option('--out <dir>', 'folder for the PNG files the models write', DEFAULT_OUT_DIR)
  .action(async (names: string[], opts: { backend: BackendName | 'both'; out: string }) => {
    const unknown = names.filter((n) => !TASK_NAMES.includes(n));
    if (unknown.length) program.error(`unknown model(s): ${unknown.join(', ')} (choose from ${TASK_NAMES.join(', ')})`);
    const backends: BackendName[] = opts.backend === 'both' ? [...BACKEND_NAMES] : [opts.backend];
    const runs: TaskRun[] = [];
    for (const task of names.length ? names : TASK_NAMES) {
      for (const backend of backends) runs.push(await runTaskWithProgress(task, { backend, outDir: opts.out }));
    }
    console.log('\n| model | backend | result | wall time (CPU) |\n|---|---|---|---|');
    for (const r of runs) {
      const checks = r.checks.map((c) => `${describeCheck(c)}${passes(c) ? '' : ' **missed**'}`).join('; ');
      console.log(`| ${r.task} | ${r.backend} | ${checks} | ${r.seconds.toFixed(0)} s (${r.cpuSeconds.toFixed(0)} s) |`);
    }
    process.exitCode = runs.every((r) => r.passed) ? 0 : 1;
  });

try {
  await program.parseAsync();
} finally {
  await releaseGpu();
}
