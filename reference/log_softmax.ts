import { requireDout, rowNormalizer, validateLastAxis } from './softmax';
import { tensor, type Tensor } from './tensor';
import type { Shaped } from './validate';

/** log_softmax over the last axis (row walk shared with reference/softmax.ts). */
export interface LogSoftmaxCache {
  out: Tensor;
}

export const validateLogSoftmax = (x: Shaped) => validateLastAxis('log_softmax', x);

/** out[r, j] = x[r, j] − m_r − log Σ_k exp(x[r, k] − m_r),  m_r = max_k x[r, k] */
export function logSoftmaxForward(x: Tensor): { out: Tensor; cache: LogSoftmaxCache } {
  const { rows, C } = validateLogSoftmax(x);
  const out = tensor(x.shape);
  for (let r = 0; r < rows; r++) {
    const { m, z } = rowNormalizer(x, r, C);
    for (let j = 0; j < C; j++) out.data[r * C + j] = x.data[r * C + j] - m - Math.log(z);
  }
  return { out, cache: { out } };
}

/** dx[r, j] = dout[r, j] − exp(out[r, j])·Σ_k dout[r, k]   (exp(out) is the softmax) */
export function logSoftmaxBackward(dout: Tensor, cache: LogSoftmaxCache): { dx: Tensor } {
  const { out } = cache;
  requireDout('log_softmax', dout, out);
  const C = out.shape[out.shape.length - 1];
  const dx = tensor(out.shape);
  for (let r = 0; r < out.data.length / C; r++) {
    let total = 0;
    for (let j = 0; j < C; j++) total += dout.data[r * C + j];
    for (let j = 0; j < C; j++) dx.data[r * C + j] = dout.data[r * C + j] - Math.exp(out.data[r * C + j]) * total;
  }
  return { dx };
}
