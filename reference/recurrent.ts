import { tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

/**
 * What the vanilla RNN and the LSTM share: input checks, the gate pre-activation
 *   a = x·Wx + h·Wh + b   (N, G) with G = gates·H
 * and its backward, and time slices of batch-first (N, T, ·) tensors.
 */

export interface RecurrentSizes {
  N: number;
  D: number;
  H: number;
}

/** Checks one step's x (N, D) and state(s) (N, H) — the first state names H — and the weights for `gates` gate blocks. */
export function validateRecurrentStep(
  op: string,
  gates: number,
  x: Shaped,
  states: ReadonlyArray<readonly [string, Shaped]>,
  Wx: Shaped,
  Wh: Shaped,
  b: Shaped,
): RecurrentSizes {
  requireRank(op, 'x', x, 2);
  const [N, D] = x.shape;
  return validateStatesAndWeights(op, gates, x, N, D, states, Wx, Wh, b);
}

/** Checks a sequence's x (N, T, D), h0 (N, H) and the weights for `gates` gate blocks. */
export function validateRecurrentSequence(op: string, gates: number, x: Shaped, h0: Shaped, Wx: Shaped, Wh: Shaped, b: Shaped): RecurrentSizes & { T: number } {
  requireRank(op, 'x', x, 3);
  const [N, T, D] = x.shape;
  return { T, ...validateStatesAndWeights(op, gates, x, N, D, [['h0', h0]], Wx, Wh, b) };
}

function validateStatesAndWeights(
  op: string,
  gates: number,
  x: Shaped,
  N: number,
  D: number,
  states: ReadonlyArray<readonly [string, Shaped]>,
  Wx: Shaped,
  Wh: Shaped,
  b: Shaped,
): RecurrentSizes {
  requirePositiveSizes(op, 'x', x);
  const [[hName, h]] = states;
  requireRank(op, hName, h, 2);
  requireShape(op, hName, h, [N, 'H'], `N = ${N} from x`);
  const H = h.shape[1];
  requirePositiveSizes(op, hName, h);
  for (const [name, s] of states.slice(1)) requireShape(op, name, s, [N, H], `N = ${N} from x, H = ${H} from ${hName}`);
  const G = gates * H;
  const g = gates === 1 ? 'H' : `${gates}H`;
  requireShape(op, 'Wx', Wx, [D, G], `D = ${D} from x, ${g} = ${G} from ${hName}`);
  requireShape(op, 'Wh', Wh, [H, G], `H = ${H} from ${hName}`);
  requireShape(op, 'b', b, [G], `${g} = ${G} from ${hName}`);
  for (const [name, t] of [['x', x], ...states, ['Wx', Wx], ['Wh', Wh], ['b', b]] as const) requireFinite(op, name, t);
  return { N, D, H };
}

/** a[n, g] = Σ_d x[n, d]·Wx[d, g] + Σ_k h[n, k]·Wh[k, g] + b[g] */
export function gatePreactivation(x: Tensor, h: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): Tensor {
  const [N, D] = x.shape;
  const [H, G] = Wh.shape;
  const a = tensor([N, G]);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      let s = b.data[g];
      for (let d = 0; d < D; d++) s += x.data[n * D + d] * Wx.data[d * G + g];
      for (let k = 0; k < H; k++) s += h.data[n * H + k] * Wh.data[k * G + g];
      a.data[n * G + g] = s;
    }
  }
  return a;
}

export interface PreactivationGrads {
  dx: Tensor;
  dh: Tensor;
  dWx: Tensor;
  dWh: Tensor;
  db: Tensor;
}

/** dx = da·Wxᵀ, dh = da·Whᵀ, dWx = xᵀ·da, dWh = hᵀ·da, db = Σ_n da[n, :] */
export function gatePreactivationBackward(da: Tensor, x: Tensor, h: Tensor, Wx: Tensor, Wh: Tensor): PreactivationGrads {
  const [N, D] = x.shape;
  const [H, G] = Wh.shape;
  const grads = { dx: tensor([N, D]), dh: tensor([N, H]), dWx: tensor([D, G]), dWh: tensor([H, G]), db: tensor([G]) };
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const v = da.data[n * G + g];
      grads.db.data[g] += v;
      for (let d = 0; d < D; d++) {
        grads.dx.data[n * D + d] += v * Wx.data[d * G + g];
        grads.dWx.data[d * G + g] += x.data[n * D + d] * v;
      }
      for (let k = 0; k < H; k++) {
        grads.dh.data[n * H + k] += v * Wh.data[k * G + g];
        grads.dWh.data[k * G + g] += h.data[n * H + k] * v;
      }
    }
  }
  return grads;
}

/** seq[:, t, :] of a batch-first (N, T, F) tensor, as an (N, F) tensor. */
export function timeSlice(seq: Tensor, t: number): Tensor {
  const [N, T, F] = seq.shape;
  const out = tensor([N, F]);
  for (let n = 0; n < N; n++) out.data.set(seq.data.subarray((n * T + t) * F, (n * T + t + 1) * F), n * F);
  return out;
}

/** seq[:, t, :] = value (N, F) */
export function setTimeSlice(seq: Tensor, t: number, value: Tensor): void {
  const [N, T, F] = seq.shape;
  for (let n = 0; n < N; n++) seq.data.set(value.data.subarray(n * F, (n + 1) * F), (n * T + t) * F);
}

/** a += b, elementwise */
export function accumulate(a: Tensor, b: Tensor): void {
  for (let i = 0; i < a.data.length; i++) a.data[i] += b.data[i];
}

/** The upstream gradient of a recurrent output must have the output's shape. */
export function requireGradShape(op: string, arg: string, dout: Shaped, shape: readonly number[]): void {
  requireShape(`${op}_backward`, arg, dout, shape, 'the shape of the forward output');
}
