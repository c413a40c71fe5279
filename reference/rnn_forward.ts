import { accumulate, requireGradShape, setTimeSlice, timeSlice, validateRecurrentSequence } from './recurrent';
import { rnnStepBackward, rnnStepForward, type RnnStepCache } from './rnn_step';
import { tensor, type Tensor } from './tensor';
import type { Shaped } from './validate';

export interface RnnForwardCache {
  x: Tensor;
  h0: Tensor;
  steps: RnnStepCache[];
}

/** x (N, T, D), h0 (N, H), Wx (D, H), Wh (H, H), b (H). */
export const validateRnnForward = (x: Shaped, h0: Shaped, Wx: Shaped, Wh: Shaped, b: Shaped) => validateRecurrentSequence('rnn_forward', 1, x, h0, Wx, Wh, b);

/** h[:, t] = tanh(x[:, t]·Wx + h[:, t−1]·Wh + b), h[:, −1] = h0; one rnn_step per time step. */
export function rnnForward(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): { h: Tensor; cache: RnnForwardCache } {
  const { N, T, H } = validateRnnForward(x, h0, Wx, Wh, b);
  const h = tensor([N, T, H]);
  const steps: RnnStepCache[] = [];
  let prev = h0;
  for (let t = 0; t < T; t++) {
    const { next_h, cache } = rnnStepForward(timeSlice(x, t), prev, Wx, Wh, b);
    setTimeSlice(h, t, next_h);
    steps.push(cache);
    prev = next_h;
  }
  return { h, cache: { x, h0, steps } };
}

/**
 * Backpropagation through time: from t = T−1 down to 0, the step's upstream gradient is
 * dh[:, t] + dprev_h of step t+1; dWx, dWh, db sum over steps; dh0 is step 0's dprev_h.
 */
export function rnnBackward(dh: Tensor, cache: RnnForwardCache): { dx: Tensor; dh0: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor } {
  const { x, h0, steps } = cache;
  const [N, T, D] = x.shape;
  const H = h0.shape[1];
  requireGradShape('rnn_forward', 'dh', dh, [N, T, H]);
  const [dx, dWx, dWh, db] = [tensor([N, T, D]), tensor([D, H]), tensor([H, H]), tensor([H])];
  let carry = tensor([N, H]);
  for (let t = T - 1; t >= 0; t--) {
    const upstream = timeSlice(dh, t);
    accumulate(upstream, carry);
    const step = rnnStepBackward(upstream, steps[t]);
    setTimeSlice(dx, t, step.dx);
    accumulate(dWx, step.dWx);
    accumulate(dWh, step.dWh);
    accumulate(db, step.db);
    carry = step.dprev_h;
  }
  return { dx, dh0: carry, dWx, dWh, db };
}
