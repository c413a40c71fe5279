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
