import { numel, tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

/**
 * softmax over the last axis; log_softmax (reference/log_softmax.ts) shares the row walk. x of any
 * rank ≥ 1 is read as `rows` rows of C = its last dimension.
 */
export interface SoftmaxCache {
  out: Tensor;
}

export function validateLastAxis(op: string, x: Shaped): { rows: number; C: number } {
  requireRank(op, 'x', x, { min: 1 });
  requirePositiveSizes(op, 'x', x);
  requireFinite(op, 'x', x);
  const C = x.shape[x.shape.length - 1];
  return { rows: numel(x.shape) / C, C };
}

export const validateSoftmax = (x: Shaped) => validateLastAxis('softmax', x);

/** The max-subtracted normalizer of row r: m = maxⱼ x[r, j] and z = Σⱼ exp(x[r, j] − m) ≥ 1. */
export function rowNormalizer(x: Tensor, r: number, C: number): { m: number; z: number } {
  let m = -Infinity;
  for (let j = 0; j < C; j++) m = Math.max(m, x.data[r * C + j]);
  let z = 0;
  for (let j = 0; j < C; j++) z += Math.exp(x.data[r * C + j] - m);
  return { m, z };
}

/** The upstream gradient must have the output's shape (host or device tensors). */
export const requireDout = (op: string, dout: Shaped, out: Shaped): void => requireShape(`${op}_backward`, 'dout', dout, out.shape, 'the shape of out');

/** out[r, j] = exp(x[r, j] − m_r) / Σ_k exp(x[r, k] − m_r),  m_r = max_k x[r, k]   (r: all leading indices) */
export function softmaxForward(x: Tensor): { out: Tensor; cache: SoftmaxCache } {
  const { rows, C } = validateSoftmax(x);
  const out = tensor(x.shape);
  for (let r = 0; r < rows; r++) {
    const { m, z } = rowNormalizer(x, r, C);
    for (let j = 0; j < C; j++) out.data[r * C + j] = Math.exp(x.data[r * C + j] - m) / z;
  }
  return { out, cache: { out } };
}

/** dx[r, j] = out[r, j]·(dout[r, j] − Σ_k dout[r, k]·out[r, k]) */
export function softmaxBackward(dout: Tensor, cache: SoftmaxCache): { dx: Tensor } {
  const { out } = cache;
  requireDout('softmax', dout, out);
  const C = out.shape[out.shape.length - 1];
  const dx = tensor(out.shape);
  for (let r = 0; r < out.data.length / C; r++) {
    let dot = 0;
    for (let j = 0; j < C; j++) dot += dout.data[r * C + j] * out.data[r * C + j];
    for (let j = 0; j < C; j++) dx.data[r * C + j] = out.data[r * C + j] * (dout.data[r * C + j] - dot);
  }
  return { dx };
}
