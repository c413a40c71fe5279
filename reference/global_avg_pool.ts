import { tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

/**
 * Global average pooling, the mean of each (n, c) plane:
 *
 *   out[n, c]      = (1 / (H·W)) Σ_{h, w} x[n, c, h, w]
 *   dx[n, c, h, w] = dout[n, c] / (H·W)
 */
export interface GlobalAvgPoolCache {
  shape: readonly number[];
}

export function validateGlobalAvgPool(x: Shaped): { N: number; C: number; H: number; W: number } {
  requireRank('global_avg_pool', 'x', x, 4);
  requirePositiveSizes('global_avg_pool', 'x', x);
  requireFinite('global_avg_pool', 'x', x);
  const [N, C, H, W] = x.shape;
  return { N, C, H, W };
}

export function globalAvgPoolForward(x: Tensor): { out: Tensor; cache: GlobalAvgPoolCache } {
  const { N, C, H, W } = validateGlobalAvgPool(x);
  const out = tensor([N, C]);
  for (let p = 0; p < N * C; p++) {
    let s = 0;
    for (let k = 0; k < H * W; k++) s += x.data[p * H * W + k];
    out.data[p] = s / (H * W);
  }
  return { out, cache: { shape: x.shape } };
}

export function globalAvgPoolBackward(dout: Tensor, cache: GlobalAvgPoolCache): { dx: Tensor } {
  const [N, C, H, W] = cache.shape;
  requireShape('global_avg_pool_backward', 'dout', dout, [N, C], 'the forward output shape');
  const dx = tensor(cache.shape);
  for (let p = 0; p < N * C; p++) {
    for (let k = 0; k < H * W; k++) dx.data[p * H * W + k] = dout.data[p] / (H * W);
  }
  return { dx };
}
