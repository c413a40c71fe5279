import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SCOPE_ENV, type Side } from './scope';

/**
 * A copy of the working tree's sources in a temporary folder (node_modules linked), for runs that
 * mutate files: the working tree itself is never written. The copy is removed when the process
 * exits, including on Ctrl-C or a kill, and any test run still going is killed with it.
 */
const COPIED = ['accelerated', 'reference', 'spec', 'scripts', 'fixtures', 'package.json', 'tsconfig.json'];

export interface Sandbox {
  readonly root: string;
  /** Runs the mutation vitest config on `files`, scoped to `ops` on one side; never rejects. */
  runTests(files: readonly string[], ops: readonly string[], side: Side, timeoutMs: number): Promise<TestRun>;
}

export interface TestRun {
  /** Tests ran and none failed. Judged from the tests, not the exit code, so that an error outside every test (another row's empty suite) does not count. */
  readonly passed: boolean;
  readonly timedOut: boolean;
  readonly output: string;
}

export function makeSandbox(repo = '.'): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'gradcheck-mutation-'));
  const running = new Set<number>();
  const dispose = () => {
    for (const pid of running) killGroup(pid);
    rmSync(root, { recursive: true, force: true });
  };
  process.on('exit', dispose);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      dispose();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
  for (const entry of COPIED) cpSync(join(repo, entry), join(root, entry), { recursive: true });
  symlinkSync(resolve(repo, 'node_modules'), join(root, 'node_modules'), 'dir');

  const runTests: Sandbox['runTests'] = (files, ops, side, timeoutMs) =>
    new Promise((done) => {
      const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
      const report = join(root, '.vitest-mutation.json');
      rmSync(report, { force: true });
      const args = [
        vitest,
        'run',
        '--config',
        'scripts/mutation/vitest.config.ts',
        '--maxWorkers=1',
        '--reporter=dot',
        '--reporter=json',
        `--outputFile.json=${report}`,
        ...files,
      ];
      const env = { ...process.env, [SCOPE_ENV.ops]: ops.join(','), [SCOPE_ENV.side]: side, [SCOPE_ENV.tests]: files.join(','), FORCE_COLOR: '0' };
      // Its own process group, so that a timeout kills vitest's forks too.
      const child = spawn(process.execPath, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      running.add(child.pid!);
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d));
      child.stderr.on('data', (d: Buffer) => (output += d));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid!);
      }, timeoutMs);
      child.on('close', () => {
        clearTimeout(timer);
        running.delete(child.pid!);
        done({ ...verdict(report, timedOut), timedOut, output });
      });
    });
  return { root, runTests };
}

function verdict(report: string, timedOut: boolean): { passed: boolean } {
  if (timedOut || !existsSync(report)) return { passed: false };
  const r = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number };
  return { passed: r.numFailedTests === 0 && r.numPassedTests > 0 };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
