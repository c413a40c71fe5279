import { lstmStepBackward, lstmStepForward, type LstmStepCache } from './lstm_step';
import { accumulate, requireGradShape, setTimeSlice, timeSlice, validateRecurrentSequence } from './recurrent';
import { tensor, type Tensor } from './tensor';
import type { Shaped } from './validate';

export interface LstmForwardCache {
  x: Tensor;
  h0: Tensor;
  steps: LstmStepCache[];
}

/** x (N, T, D), h0 (N, H), Wx (D, 4H), Wh (H, 4H), b (4H). */
export const validateLstmForward = (x: Shaped, h0: Shaped, Wx: Shaped, Wh: Shaped, b: Shaped) => validateRecurrentSequence('lstm_forward', 4, x, h0, Wx, Wh, b);

/**
 * One lstm_step per time step from h0 and c0 = 0; h[:, t] is step t's next_h (the cells are not returned):
 *   a = x[:, t]·Wx + h[:, t−1]·Wh + b split into i, f, o, g (this order; nn.LSTM's is i, f, g, o);
 *   c_t = σ(a_f)·c_{t−1} + σ(a_i)·tanh(a_g);  h[:, t] = σ(a_o)·tanh(c_t)
 */
export function lstmForward(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): { h: Tensor; cache: LstmForwardCache } {
  const { N, T, H } = validateLstmForward(x, h0, Wx, Wh, b);
  const h = tensor([N, T, H]);
  const steps: LstmStepCache[] = [];
  let [prev_h, prev_c] = [h0, tensor([N, H])];
  for (let t = 0; t < T; t++) {
    const { next_h, next_c, cache } = lstmStepForward(timeSlice(x, t), prev_h, prev_c, Wx, Wh, b);
    setTimeSlice(h, t, next_h);
    steps.push(cache);
    [prev_h, prev_c] = [next_h, next_c];
  }
  return { h, cache: { x, h0, steps } };
}

/**
 * Backpropagation through time: from t = T−1 down to 0, step t gets dnext_h = dh[:, t] + dprev_h
 * of step t+1 and dnext_c = dprev_c of step t+1 (0 at the last step); dWx, dWh, db sum over steps;
 * dh0 is step 0's dprev_h (c0 is a constant, so its gradient is dropped).
 */
export function lstmBackward(dh: Tensor, cache: LstmForwardCache): { dx: Tensor; dh0: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor } {
  const { x, h0, steps } = cache;
  const [N, T, D] = x.shape;
  const H = h0.shape[1];
  requireGradShape('lstm_forward', 'dh', dh, [N, T, H]);
  const [dx, dWx, dWh, db] = [tensor([N, T, D]), tensor([D, 4 * H]), tensor([H, 4 * H]), tensor([4 * H])];
  let [carry_h, carry_c] = [tensor([N, H]), tensor([N, H])];
  for (let t = T - 1; t >= 0; t--) {
    const upstream = timeSlice(dh, t);
    accumulate(upstream, carry_h);
    const step = lstmStepBackward(upstream, carry_c, steps[t]);
    setTimeSlice(dx, t, step.dx);
    accumulate(dWx, step.dWx);
    accumulate(dWh, step.dWh);
    accumulate(db, step.db);
    [carry_h, carry_c] = [step.dprev_h, step.dprev_c];
  }
  return { dx, dh0: carry_h, dWx, dWh, db };
}
