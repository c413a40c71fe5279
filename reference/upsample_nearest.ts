import { pixelStep, requireResampledGrad, validateResample, type Axis, type ResampleGeometry, type ResampleParams } from './resampling';
import { tensor, type Tensor } from './tensor';
import type { Shaped } from './validate';

/**
 * Nearest-neighbour resampling, PyTorch's mode 'nearest' (sizes and steps in reference/resampling.ts):
 *
 *   out[n, c, i, j] = x[n, c, src(rows, i), src(cols, j)]
 *   src(axis, d)    = d                                  when out = in
 *                   = ⌊d / 2⌋                            when out = 2·in
 *                   = min(⌊d·step⌋, in − 1)              otherwise, in float32 as PyTorch computes it
 *                                                        (step rounded to float32, then the product)
 *   dx[n, c, h, w]  = Σ over (i, j) with src(rows, i) = h and src(cols, j) = w of dout[n, c, i, j]
 *
 * The float32 index arithmetic matters: for in = 14, out = 20 and d = 10, PyTorch reads row 7
 * (10·fround(0.7) rounds up to 7 in float32) where the float64 product of the same step gives 6.
 */
export interface UpsampleNearestCache {
  shape: readonly number[];
  geometry: ResampleGeometry;
}

/** The float32 step, as PyTorch's nearest_idx rounds it. */
const float32Step = (inSize: number, outSize: number, scale: number | undefined) => Math.fround(pixelStep(inSize, outSize, scale));

export const validateUpsampleNearest = (x: Shaped, params: ResampleParams = {}): ResampleGeometry =>
  validateResample('upsample_nearest', x, params, float32Step);

export function nearestSource(axis: Axis, d: number): number {
  if (axis.outSize === axis.inSize) return d;
  if (axis.outSize === 2 * axis.inSize) return d >> 1;
  return Math.min(Math.floor(Math.fround(d * axis.step)), axis.inSize - 1);
}

/** Calls visit(xi, oi) for every output element oi and the x element xi it copies. */
function forEachCopy(shape: readonly number[], g: ResampleGeometry, visit: (xi: number, oi: number) => void): void {
  const [N, C, H, W] = shape;
  for (let p = 0; p < N * C; p++) {
    for (let i = 0; i < g.Ho; i++) {
      const h = nearestSource(g.rows, i);
      for (let j = 0; j < g.Wo; j++) visit((p * H + h) * W + nearestSource(g.cols, j), (p * g.Ho + i) * g.Wo + j);
    }
  }
}

export function upsampleNearestForward(x: Tensor, params: ResampleParams): { out: Tensor; cache: UpsampleNearestCache } {
  const geometry = validateUpsampleNearest(x, params);
  const out = tensor([geometry.N, geometry.C, geometry.Ho, geometry.Wo]);
  forEachCopy(x.shape, geometry, (xi, oi) => {
    out.data[oi] = x.data[xi];
  });
  return { out, cache: { shape: x.shape, geometry } };
}

export function upsampleNearestBackward(dout: Tensor, cache: UpsampleNearestCache): { dx: Tensor } {
  const { shape, geometry } = cache;
  requireResampledGrad('upsample_nearest', dout, geometry);
  const dx = tensor(shape);
  forEachCopy(shape, geometry, (xi, oi) => {
    dx.data[xi] += dout.data[oi];
  });
  return { dx };
}
