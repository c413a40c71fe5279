import { forEachWindow, requirePooledGrad, validatePool, type PoolGeometry, type PoolParams } from './pooling';
import { tensor, type Tensor } from './tensor';
import type { Shaped } from './validate';

/**
 * Max pooling (windows in reference/pooling.ts):
 *
 *   out[n, c, i, j]     = max over the window (i, j) of plane x[n, c]
 *   indices[n, c, i, j] = row·W + col of that maximum in the plane (PyTorch's; the first in row-major
 *                         window order on a tie), the input of max_unpool2d
 *   dx[n, c, h, w]      = Σ over windows (i, j) whose maximum is (h, w) of dout[n, c, i, j]
 *
 * With overlapping windows (stride < pool size) one element can be the maximum of several windows
 * and collects all their gradients. indices is an integer output with no gradient.
 */
export interface MaxPool2dCache {
  indices: Tensor;
  geometry: PoolGeometry;
}

export const validateMaxPool2d = (x: Shaped, params: PoolParams = {}): PoolGeometry => validatePool('max_pool2d', x, params);

export function maxPool2dForward(x: Tensor, params: PoolParams): { out: Tensor; indices: Tensor; cache: MaxPool2dCache } {
  const geometry = validateMaxPool2d(x, params);
  const { N, C, Ho, Wo } = geometry;
  const out = tensor([N, C, Ho, Wo]);
  const indices = tensor([N, C, Ho, Wo]);
  forEachWindow(geometry, (oi, base, taps) => {
    let best = taps[0];
    for (const t of taps) if (x.data[base + t] > x.data[base + best]) best = t;
    out.data[oi] = x.data[base + best];
    indices.data[oi] = best;
  });
  return { out, indices, cache: { indices, geometry } };
}

export function maxPool2dBackward(dout: Tensor, cache: MaxPool2dCache): { dx: Tensor } {
  const { indices, geometry } = cache;
  const { N, C, H, W } = geometry;
  requirePooledGrad('max_pool2d', dout, geometry);
  const dx = tensor([N, C, H, W]);
  forEachWindow(geometry, (oi, base) => {
    dx.data[base + indices.data[oi]] += dout.data[oi];
  });
  return { dx };
}
