import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The process ids of a process's descendants (Linux /proc); none where unavailable. */
export function descendants(pid: number | undefined): number[] {
  const found: number[] = [];
  const pending = pid ? [pid] : [];
  for (let p = pending.pop(); p !== undefined; p = pending.pop()) {
    try {
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
        found.push(...children);
        pending.push(...children);
      }
    } catch {
      // The process is gone, or this is not Linux.
    }
  }
  return found;
}

/** Resident memory of a process and its descendants in MB (Linux /proc), 0 where unavailable. */
export function treeRssMb(pid: number | undefined): number {
  let kb = 0;
  for (const p of pid ? [pid, ...descendants(pid)] : []) {
    try {
      kb += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // The process is gone, or this is not Linux.
    }
  }
  return kb / 1024;
}

/** How a supervised child's outcome is decided when it does not answer: its limits and what each breach gives. */
export interface Watch<T> {
  readonly timeoutMs: number;
  /** Resident memory of the child and its descendants, in MB, checked every `everyMs`. */
  readonly memoryMb: number;
  readonly everyMs: number;
  onTimeout(): T;
  onMemory(): T;
  /** Read 20 ms after the exit, so that the child's last stderr bytes have arrived. */
  onExit(code: number | null, signal: NodeJS.Signals | null): T;
}

/**
 * One outcome of a child process: the first of `settle` (its answer), the deadline, the memory
 * watchdog or its exit wins, `cleanup` runs once, and later outcomes are ignored. A child that has
 * already exited settles as an exit.
 */
export function supervise<T>(
  child: ChildProcess,
  watch: Watch<T>,
  cleanup: (result: T) => void = () => {},
): { settle: (result: T) => void; result: Promise<T> } {
  let settle!: (result: T) => void;
  const result = new Promise<T>((resolve) => {
    let settled = false;
    settle = (r) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watchdog);
      child.off('exit', exited);
      cleanup(r);
      resolve(r);
    };
  });
  const exited = (code: number | null, signal: NodeJS.Signals | null) => setTimeout(() => settle(watch.onExit(code, signal)), 20);
  const timer = setTimeout(() => settle(watch.onTimeout()), watch.timeoutMs);
  const watchdog = setInterval(() => {
    if (treeRssMb(child.pid) > watch.memoryMb) settle(watch.onMemory());
  }, watch.everyMs);
  child.once('exit', exited);
  if (child.exitCode !== null || child.signalCode !== null) exited(child.exitCode, child.signalCode);
  return { settle, result };
}
