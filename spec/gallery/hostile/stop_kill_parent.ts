/**
 * Hostile: freezes (SIGSTOP) and then kills (SIGKILL) its parent, the grader. Returns a correct
 * relu otherwise.
 */
import { reluForward as correct } from './relu';

export function reluForward(x: Parameters<typeof correct>[0]) {
  for (const signal of ['SIGSTOP', 'SIGKILL'] as const) {
    try {
      process.kill(process.ppid, signal);
    } catch {
      // Refused: try the next.
    }
  }
  return correct(x);
}

export { reluBackward } from './relu';
