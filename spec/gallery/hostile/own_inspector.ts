/**
 * Hostile: opens the inspector of its own process on 127.0.0.1:9229 (inspector.open, SIGUSR1 to
 * itself, process._debugProcess), which, outside a network namespace, any local process could then
 * connect to and drive. Its forward throws what it achieved: `inspector <url or closed>`.
 */
import inspector from 'node:inspector';

const attempts = [
  () => inspector.open(9229, '127.0.0.1'),
  () => process.kill(process.pid, 'SIGUSR1'),
  () => (process as unknown as { _debugProcess(pid: number): void })._debugProcess(process.pid),
];
for (const attempt of attempts) {
  try {
    attempt();
  } catch {
    // Refused: try the next.
  }
}

export function reluForward(): never {
  throw new Error(`inspector ${inspector.url() ?? 'closed'}`);
}

export function reluBackward(): never {
  throw new Error('unreachable');
}
