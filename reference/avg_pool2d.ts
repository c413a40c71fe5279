import { forEachWindow, requirePooledGrad, validatePool, type PoolGeometry, type PoolParams } from './pooling';
import { tensor, type Tensor } from './tensor';
import type { Shaped } from './validate';

/**
 * Average pooling (windows in reference/pooling.ts), every window of pool_height·pool_width
 * elements (no padding, so no partial windows):
 *
 *   out[n, c, i, j] = (1 / (pool_height·pool_width)) Σ over the window (i, j) of x[n, c]
 *   dx[n, c, h, w]  = (1 / (pool_height·pool_width)) Σ over windows (i, j) containing (h, w) of dout[n, c, i, j]
 */
export interface AvgPool2dCache {
  geometry: PoolGeometry;
}

export const validateAvgPool2d = (x: Shaped, params: PoolParams = {}): PoolGeometry => validatePool('avg_pool2d', x, params);

export function avgPool2dForward(x: Tensor, params: PoolParams): { out: Tensor; cache: AvgPool2dCache } {
  const geometry = validateAvgPool2d(x, params);
  const { N, C, Ho, Wo } = geometry;
  const out = tensor([N, C, Ho, Wo]);
  forEachWindow(geometry, (oi, base, taps) => {
    let s = 0;
    for (const t of taps) s += x.data[base + t];
    out.data[oi] = s / taps.length;
  });
  return { out, cache: { geometry } };
}

export function avgPool2dBackward(dout: Tensor, cache: AvgPool2dCache): { dx: Tensor } {
  const { geometry } = cache;
  const { N, C, H, W } = geometry;
  requirePooledGrad('avg_pool2d', dout, geometry);
  const dx = tensor([N, C, H, W]);
  forEachWindow(geometry, (oi, base, taps) => {
    for (const t of taps) dx.data[base + t] += dout.data[oi] / taps.length;
  });
  return { dx };
}
