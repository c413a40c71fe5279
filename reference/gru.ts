import { accumulate, requireGradShape, setTimeSlice, timeSlice } from './recurrent';
import { tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

/**
 * What gru_forward (PyTorch's nn.GRU) and gru_forward_course (the deeplearning.ai form) share.
 * Weights in PyTorch's layout: weight_ih (3H, D), weight_hh (3H, H), bias_ih, bias_hh (3H), row
 * blocks r, z, n in this order. With W_g·v + b_g the block g of a weight applied to v:
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r·(W_hn h + b_hn))      (gru_forward: reset after the hidden matmul)
 *   n = tanh(W_in x + b_in + W_hn (r·h) + b_hn)      (gru_forward_course: reset before it)
 *   h' = (1 − z)·n + z·h
 * Both are "the n block of W_hh applied to hn, plus b_hn", with hn = h (then scaled by r) or hn = r·h.
 */
export interface GruOptions {
  op: string;
  /** true: n = tanh(W_in x + b_in + W_hn (r·h) + b_hn) (course); false: PyTorch's r·(W_hn h + b_hn). */
  resetBeforeMatmul: boolean;
}

export interface GruSizes {
  N: number;
  T: number;
  D: number;
  H: number;
}

/** x (N, T, D), h0 (N, H), weight_ih (3H, D), weight_hh (3H, H), bias_ih, bias_hh (3H), all finite. */
export function validateGru(op: string, x: Shaped, h0: Shaped, weight_ih: Shaped, weight_hh: Shaped, bias_ih: Shaped, bias_hh: Shaped): GruSizes {
  requireRank(op, 'x', x, 3);
  const [N, T, D] = x.shape;
  requirePositiveSizes(op, 'x', x);
  requireRank(op, 'h0', h0, 2);
  requireShape(op, 'h0', h0, [N, 'H'], `N = ${N} from x`);
  requirePositiveSizes(op, 'h0', h0);
  const H = h0.shape[1];
  const why = `3H = ${3 * H} from h0`;
  requireShape(op, 'weight_ih', weight_ih, [3 * H, D], `${why}, D = ${D} from x`);
  requireShape(op, 'weight_hh', weight_hh, [3 * H, H], `${why}, H = ${H} from h0`);
  requireShape(op, 'bias_ih', bias_ih, [3 * H], why);
  requireShape(op, 'bias_hh', bias_hh, [3 * H], why);
  const all = { x, h0, weight_ih, weight_hh, bias_ih, bias_hh };
  for (const [name, t] of Object.entries(all)) requireFinite(op, name, t);
  return { N, T, D, H };
}

/** out[n, j] = b[g·H + j] + Σ_k W[g·H + j, k]·v[n, k]: gate block g of a (3H, K) weight applied to v (N, K). */
function block(v: Tensor, W: Tensor, b: Tensor, g: number, H: number): Tensor {
  const [N, K] = v.shape;
  const out = tensor([N, H]);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < H; j++) {
      let s = b.data[g * H + j];
      for (let k = 0; k < K; k++) s += W.data[(g * H + j) * K + k] * v.data[n * K + k];
      out.data[n * H + j] = s;
    }
  }
  return out;
}

/** Backward of `block`: dv += dout·W_g, dW_g += doutᵀ·v, db_g += Σ_n dout[n, :]. */
function blockBackward(dout: Tensor, v: Tensor, W: Tensor, g: number, grads: { dv: Tensor; dW: Tensor; db: Tensor }): void {
  const [N, K] = v.shape;
  const H = dout.shape[1];
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < H; j++) {
      const d = dout.data[n * H + j];
      grads.db.data[g * H + j] += d;
      for (let k = 0; k < K; k++) {
        grads.dv.data[n * K + k] += d * W.data[(g * H + j) * K + k];
        grads.dW.data[(g * H + j) * K + k] += d * v.data[n * K + k];
      }
    }
  }
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Elementwise f(a[i], b[i], …) into a new tensor of a's shape. */
function zipWith(f: (...v: number[]) => number, ...ts: Tensor[]): Tensor {
  const out = tensor(ts[0].shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = f(...ts.map((t) => t.data[i]));
  return out;
}

interface GruStepCache {
  x: Tensor;
  hPrev: Tensor;
  r: Tensor;
  z: Tensor;
  n: Tensor;
  /** What W_hn multiplies: hPrev (PyTorch) or r·hPrev (course). */
  hn: Tensor;
  /** W_hn·hn + b_hn */
  ghn: Tensor;
}

export interface GruCache {
  options: GruOptions;
  weight_ih: Tensor;
  weight_hh: Tensor;
  sizes: GruSizes;
  steps: GruStepCache[];
}

type Weights = [weight_ih: Tensor, weight_hh: Tensor, bias_ih: Tensor, bias_hh: Tensor];

function stepForward(x: Tensor, hPrev: Tensor, [Wih, Whh, bih, bhh]: Weights, { resetBeforeMatmul }: GruOptions): GruStepCache {
  const H = hPrev.shape[1];
  const gate = (g: number) => zipWith((a, b) => sigmoid(a + b), block(x, Wih, bih, g, H), block(hPrev, Whh, bhh, g, H));
  const [r, z] = [gate(0), gate(1)];
  const hn = resetBeforeMatmul ? zipWith((rv, hv) => rv * hv, r, hPrev) : hPrev;
  const ghn = block(hn, Whh, bhh, 2, H);
  const reset = resetBeforeMatmul ? ghn : zipWith((rv, gv) => rv * gv, r, ghn);
  const n = zipWith((a, b) => Math.tanh(a + b), block(x, Wih, bih, 2, H), reset);
  return { x, hPrev, r, z, n, hn, ghn };
}

/** One GRU step per time step from h0; h[:, t] is step t's h'. */
export function gruSequenceForward(
  options: GruOptions,
  x: Tensor,
  h0: Tensor,
  weight_ih: Tensor,
  weight_hh: Tensor,
  bias_ih: Tensor,
  bias_hh: Tensor,
): { h: Tensor; cache: GruCache } {
  const sizes = validateGru(options.op, x, h0, weight_ih, weight_hh, bias_ih, bias_hh);
  const { N, T, H } = sizes;
  const h = tensor([N, T, H]);
  const steps: GruStepCache[] = [];
  let prev = h0;
  for (let t = 0; t < T; t++) {
    const step = stepForward(timeSlice(x, t), prev, [weight_ih, weight_hh, bias_ih, bias_hh], options);
    prev = zipWith((zv, nv, hv) => (1 - zv) * nv + zv * hv, step.z, step.n, prev);
    setTimeSlice(h, t, prev);
    steps.push(step);
  }
  return { h, cache: { options, weight_ih, weight_hh, sizes, steps } };
}

export type GruGrads = {
  dx: Tensor;
  dh0: Tensor;
  dweight_ih: Tensor;
  dweight_hh: Tensor;
  dbias_ih: Tensor;
  dbias_hh: Tensor;
};

/**
 * One step back, dh the gradient of h' (N, H):
 *   dn = dh·(1−z), dz = dh·(h − n), dhPrev = dh·z;  da_n = dn·(1 − n²) (pre-activation of n)
 *   PyTorch: dghn = da_n·r, dr = da_n·ghn, dhPrev += dghn·W_hn
 *   course:  dghn = da_n, dhn = dghn·W_hn, dr = dhn·hPrev, dhPrev += dhn·r
 *   da_r = dr·r(1−r), da_z = dz·z(1−z); blocks r, z, n of the input side get da_r, da_z, da_n
 *   (dx, dW_ih, db_ih), blocks r, z of the hidden side da_r, da_z on hPrev (dhPrev, dW_hh, db_hh)
 *   and block n dghn on hn.
 */
function stepBackward(dh: Tensor, s: GruStepCache, cache: GruCache, grads: Omit<GruGrads, 'dx' | 'dh0'>): { dx: Tensor; dhPrev: Tensor } {
  const { resetBeforeMatmul } = cache.options;
  const { weight_ih: Wih, weight_hh: Whh } = cache;
  const dn = zipWith((d, zv) => d * (1 - zv), dh, s.z);
  const dz = zipWith((d, hv, nv) => d * (hv - nv), dh, s.hPrev, s.n);
  const dhPrev = zipWith((d, zv) => d * zv, dh, s.z);
  const dan = zipWith((d, nv) => d * (1 - nv * nv), dn, s.n);
  const dghn = resetBeforeMatmul ? dan : zipWith((d, rv) => d * rv, dan, s.r);
  const dhn = tensor(s.hn.shape);
  blockBackward(dghn, s.hn, Whh, 2, { dv: dhn, dW: grads.dweight_hh, db: grads.dbias_hh });
  let dr: Tensor;
  if (resetBeforeMatmul) {
    dr = zipWith((d, hv) => d * hv, dhn, s.hPrev);
    accumulate(
      dhPrev,
      zipWith((d, rv) => d * rv, dhn, s.r),
    );
  } else {
    dr = zipWith((d, gv) => d * gv, dan, s.ghn);
    accumulate(dhPrev, dhn);
  }
  const dar = zipWith((d, rv) => d * rv * (1 - rv), dr, s.r);
  const daz = zipWith((d, zv) => d * zv * (1 - zv), dz, s.z);
  const dx = tensor(s.x.shape);
  const input = { dv: dx, dW: grads.dweight_ih, db: grads.dbias_ih };
  const hidden = { dv: dhPrev, dW: grads.dweight_hh, db: grads.dbias_hh };
  [dar, daz, dan].forEach((da, g) => blockBackward(da, s.x, Wih, g, input));
  [dar, daz].forEach((da, g) => blockBackward(da, s.hPrev, Whh, g, hidden));
  return { dx, dhPrev };
}

/**
 * Backpropagation through time: from t = T−1 down to 0, step t gets dh[:, t] + dhPrev of step t+1;
 * the weight and bias gradients sum over steps; dh0 is step 0's dhPrev.
 */
export function gruSequenceBackward(dh: Tensor, cache: GruCache): GruGrads {
  const { N, T, D, H } = cache.sizes;
  requireGradShape(cache.options.op, 'dh', dh, [N, T, H]);
  const dx = tensor([N, T, D]);
  const grads = { dweight_ih: tensor([3 * H, D]), dweight_hh: tensor([3 * H, H]), dbias_ih: tensor([3 * H]), dbias_hh: tensor([3 * H]) };
  let carry = tensor([N, H]);
  for (let t = T - 1; t >= 0; t--) {
    const upstream = timeSlice(dh, t);
    accumulate(upstream, carry);
    const step = stepBackward(upstream, cache.steps[t], cache, grads);
    setTimeSlice(dx, t, step.dx);
    carry = step.dhPrev;
  }
  return { dx, dh0: carry, ...grads };
}
