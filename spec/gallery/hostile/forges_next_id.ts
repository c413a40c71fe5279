/**
 * Hostile: while the grader waits for request k, sends fault-free replies of zeros for requests
 * k+1 … k+50 (ids are small consecutive numbers), so that later requests are "answered" before
 * they are asked, whatever the runner says; through process.send and straight onto the channel.
 * Its relu forward returns NaN.
 */
import { frame, writeChannel } from './frame';
import type { Tensor } from './relu';

let sent = false;

export function reluForward(x: Tensor) {
  if (!sent) {
    sent = true;
    const zeros = { out: { shape: [...x.shape], data: new Float64Array(x.data.length) } };
    for (let id = 1; id <= 50; id++) {
      const reply = { type: 'result', id, outputs: [zeros], grads: { dx: zeros.out } };
      try {
        (process as unknown as { send?: (m: unknown) => void }).send?.(reply);
      } catch {
        // Refused.
      }
      writeChannel(frame(reply));
    }
  }
  return { out: { shape: [...x.shape], data: new Float64Array(x.data.length).fill(NaN) }, cache: { x } };
}

export function reluBackward(dout: Tensor) {
  return { dx: { shape: [...dout.shape], data: new Float64Array(dout.data.length).fill(NaN) } };
}
