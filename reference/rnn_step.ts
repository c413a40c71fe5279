import { gatePreactivation, gatePreactivationBackward, requireGradShape, validateRecurrentStep } from './recurrent';
import { tensor, type Tensor } from './tensor';
import type { Shaped } from './validate';

export interface RnnStepCache {
  x: Tensor;
  prev_h: Tensor;
  Wx: Tensor;
  Wh: Tensor;
  next_h: Tensor;
}

/** x (N, D), prev_h (N, H), Wx (D, H), Wh (H, H), b (H). */
export const validateRnnStep = (x: Shaped, prev_h: Shaped, Wx: Shaped, Wh: Shaped, b: Shaped) =>
  validateRecurrentStep('rnn_step', 1, x, [['prev_h', prev_h]], Wx, Wh, b);

/** next_h = tanh(x·Wx + prev_h·Wh + b) */
export function rnnStepForward(x: Tensor, prev_h: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): { next_h: Tensor; cache: RnnStepCache } {
  validateRnnStep(x, prev_h, Wx, Wh, b);
  const a = gatePreactivation(x, prev_h, Wx, Wh, b);
  const next_h = tensor(a.shape, a.data.map(Math.tanh));
  return { next_h, cache: { x, prev_h, Wx, Wh, next_h } };
}

/**
 * da = dnext_h·(1 − next_h²)  (tanh' from the output);
 * dx = da·Wxᵀ, dprev_h = da·Whᵀ, dWx = xᵀ·da, dWh = prev_hᵀ·da, db = Σ_n da[n, :]
 */
export function rnnStepBackward(dnext_h: Tensor, cache: RnnStepCache): { dx: Tensor; dprev_h: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor } {
  const { x, prev_h, Wx, Wh, next_h } = cache;
  requireGradShape('rnn_step', 'dnext_h', dnext_h, next_h.shape);
  const da = tensor(next_h.shape);
  for (let i = 0; i < da.data.length; i++) da.data[i] = dnext_h.data[i] * (1 - next_h.data[i] ** 2);
  const { dx, dh, dWx, dWh, db } = gatePreactivationBackward(da, x, prev_h, Wx, Wh);
  return { dx, dprev_h: dh, dWx, dWh, db };
}
