import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './fixtures';

/** The `gradcheck` command line, run as a user runs it: exit status and output. */
export function gradcheck(args: string[], env: Record<string, string> = {}, timeout = 60_000) {
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'gradcheck.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, all: run.stdout + run.stderr };
}
