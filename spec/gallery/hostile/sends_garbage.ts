/**
 * Hostile: sends the grader messages it does not expect before any request: null, a string, a
 * reply with a malformed fault (non-string message, numeric "where"), an unknown type, a large
 * object; through process.send and straight onto the channel, then bytes that decode to nothing.
 * Its relu is correct.
 */
import { frame, writeChannel } from './frame';

const garbage: unknown[] = [
  null,
  'hello grader',
  { type: 'result', id: 1, outputs: [], fault: { kind: 'threw', where: 7, message: { toString: 1 } } },
  { id: 1, ready: true, functions: ['reluForward'] },
  { type: 'take-over' },
  { type: 'result', id: 1, outputs: Array.from({ length: 100_000 }, (_, i) => ({ [`t${i}`]: i })) },
];
for (const m of garbage) {
  try {
    (process as unknown as { send?: (m: unknown) => void }).send?.(m);
  } catch {
    // Refused.
  }
  writeChannel(frame(m));
}
writeChannel(Uint8Array.from([0, 0, 0, 8, 0xff, 0x0d, 0x5c, 0x01, 0x02, 0x03, 0x04, 0x05]));

export { reluForward, reluBackward } from './relu';
