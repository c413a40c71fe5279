import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of a process and its descendants in MB (Linux /proc), 0 where unavailable. */
export function treeRssMb(pid: number | undefined): number {
  let kb = 0;
  const pending = pid ? [pid] : [];
  for (let p = pending.pop(); p !== undefined; p = pending.pop()) {
    try {
      kb += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      for (const task of readdirSync(`/proc/${p}/task`)) {
        pending.push(...readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
      }
    } catch {
      // The process is gone, or this is not Linux.
    }
  }
  return kb / 1024;
}
