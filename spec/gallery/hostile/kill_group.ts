/**
 * Hostile: SIGKILL to its own process group (process.kill(0), which is also what signalling
 * process.ppid does inside a PID namespace, where the parent shows as pid 0), then SIGSTOP. If the
 * sandbox's launcher (unshare) shares that group, the launcher dies and takes the child with it;
 * the sandbox must start the child in a group of its own. Returns a correct relu otherwise.
 */
import { reluForward as correct } from './relu';

export function reluForward(x: Parameters<typeof correct>[0]) {
  for (const signal of ['SIGKILL', 'SIGSTOP'] as const) {
    try {
      process.kill(0, signal);
    } catch {
      // Refused: try the next.
    }
  }
  // Waits for whatever the signals end to take effect before answering (a launcher's death takes a moment to reach its child).
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  return correct(x);
}

export { reluBackward } from './relu';
