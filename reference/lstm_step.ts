import { gatePreactivation, gatePreactivationBackward, requireGradShape, validateRecurrentStep } from './recurrent';
import { tensor, type Tensor } from './tensor';
import type { Shaped } from './validate';

export interface LstmStepCache {
  x: Tensor;
  prev_h: Tensor;
  prev_c: Tensor;
  Wx: Tensor;
  Wh: Tensor;
  /** Activated gates (N, 4H): i, f, o (sigmoid) and g (tanh), in this order. */
  gates: Tensor;
  next_c: Tensor;
}

/** x (N, D), prev_h and prev_c (N, H), Wx (D, 4H), Wh (H, 4H), b (4H). */
export const validateLstmStep = (x: Shaped, prev_h: Shaped, prev_c: Shaped, Wx: Shaped, Wh: Shaped, b: Shaped) =>
  validateRecurrentStep(
    'lstm_step',
    4,
    x,
    [
      ['prev_h', prev_h],
      ['prev_c', prev_c],
    ],
    Wx,
    Wh,
    b,
  );

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * a = x·Wx + prev_h·Wh + b (N, 4H), split into blocks i, f, o, g (the course's order; PyTorch's
 * nn.LSTM uses i, f, g, o): i = σ(a_i), f = σ(a_f), o = σ(a_o), g = tanh(a_g);
 * next_c = f·prev_c + i·g;  next_h = o·tanh(next_c)
 */
export function lstmStepForward(
  x: Tensor,
  prev_h: Tensor,
  prev_c: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): { next_h: Tensor; next_c: Tensor; cache: LstmStepCache } {
  const { N, H } = validateLstmStep(x, prev_h, prev_c, Wx, Wh, b);
  const gates = gatePreactivation(x, prev_h, Wx, Wh, b);
  const next_c = tensor([N, H]);
  const next_h = tensor([N, H]);
  for (let n = 0; n < N; n++) {
    const row = n * 4 * H;
    for (let j = 0; j < H; j++) {
      const [ii, fi, oi, gi] = [row + j, row + H + j, row + 2 * H + j, row + 3 * H + j];
      gates.data[ii] = sigmoid(gates.data[ii]);
      gates.data[fi] = sigmoid(gates.data[fi]);
      gates.data[oi] = sigmoid(gates.data[oi]);
      gates.data[gi] = Math.tanh(gates.data[gi]);
      const c = gates.data[fi] * prev_c.data[n * H + j] + gates.data[ii] * gates.data[gi];
      next_c.data[n * H + j] = c;
      next_h.data[n * H + j] = gates.data[oi] * Math.tanh(c);
    }
  }
  const cache: LstmStepCache = { x, prev_h, prev_c, Wx, Wh, gates, next_c };
  return { next_h, next_c, cache };
}

/**
 * dc = dnext_c + dnext_h·o·(1 − tanh²(next_c));  dprev_c = dc·f
 * da_i = dc·g·i(1−i), da_f = dc·prev_c·f(1−f), da_o = dnext_h·tanh(next_c)·o(1−o), da_g = dc·i·(1−g²)
 * dx = da·Wxᵀ, dprev_h = da·Whᵀ, dWx = xᵀ·da, dWh = prev_hᵀ·da, db = Σ_n da[n, :]
 */
export function lstmStepBackward(
  dnext_h: Tensor,
  dnext_c: Tensor,
  cache: LstmStepCache,
): { dx: Tensor; dprev_h: Tensor; dprev_c: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor } {
  const { x, prev_h, prev_c, Wx, Wh, gates, next_c } = cache;
  const [N, H] = next_c.shape;
  requireGradShape('lstm_step', 'dnext_h', dnext_h, next_c.shape);
  requireGradShape('lstm_step', 'dnext_c', dnext_c, next_c.shape);
  const da = tensor([N, 4 * H]);
  const dprev_c = tensor([N, H]);
  for (let n = 0; n < N; n++) {
    const row = n * 4 * H;
    for (let j = 0; j < H; j++) {
      const k = n * H + j;
      const [i, f, o, g] = [gates.data[row + j], gates.data[row + H + j], gates.data[row + 2 * H + j], gates.data[row + 3 * H + j]];
      const tc = Math.tanh(next_c.data[k]);
      const dc = dnext_c.data[k] + dnext_h.data[k] * o * (1 - tc * tc);
      dprev_c.data[k] = dc * f;
      da.data[row + j] = dc * g * i * (1 - i);
      da.data[row + H + j] = dc * prev_c.data[k] * f * (1 - f);
      da.data[row + 2 * H + j] = dnext_h.data[k] * tc * o * (1 - o);
      da.data[row + 3 * H + j] = dc * i * (1 - g * g);
    }
  }
  const { dx, dh, dWx, dWh, db } = gatePreactivationBackward(da, x, prev_h, Wx, Wh);
  return { dx, dprev_h: dh, dprev_c, dWx, dWh, db };
}
