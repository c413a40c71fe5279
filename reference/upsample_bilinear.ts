import { flag } from './choices';
import { pixelStep, requireResampledGrad, validateResample, type Axis, type ResampleGeometry, type ResampleParams } from './resampling';
import { tensor, type Tensor } from './tensor';
import type { Shaped } from './validate';

/**
 * Bilinear resampling, PyTorch's mode 'bilinear' (sizes and steps in reference/resampling.ts).
 * Per axis, output index d reads source coordinate
 *
 *   r = d·step                          align_corners
 *   r = max(step·(d + 0.5) − 0.5, 0)    otherwise (pixel centres; clamped at the first pixel)
 *
 * and the two pixels i0 = ⌊r⌋, i1 = min(i0 + 1, in − 1) with weights λ0 = 1 − (r − i0), λ1 = r − i0
 * (an axis with out = in is copied: i0 = i1 = d, λ0 = 1, PyTorch's shortcut even when a scale ≠ 1
 * gave that size). Then
 *
 *   out[n, c, i, j] = Σ_{a, b ∈ {0, 1}} λa(i)·λb(j)·x[n, c, ia(i), ib(j)]
 *   dx[n, c, h, w]  = Σ over (i, j, a, b) with ia(i) = h, ib(j) = w of λa(i)·λb(j)·dout[n, c, i, j]
 */
export interface UpsampleBilinearParams extends ResampleParams {
  align_corners?: unknown;
}

export interface UpsampleBilinearCache {
  shape: readonly number[];
  geometry: ResampleGeometry;
  alignCorners: boolean;
}

export interface LinearTaps {
  i0: number;
  i1: number;
  l0: number;
  l1: number;
}

export function validateUpsampleBilinear(x: Shaped, params: UpsampleBilinearParams = {}): ResampleGeometry & { alignCorners: boolean } {
  const alignCorners = flag('upsample_bilinear', params, 'align_corners', false);
  const cornerStep = (inSize: number, outSize: number) => (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0);
  return { ...validateResample('upsample_bilinear', x, params, alignCorners ? cornerStep : pixelStep), alignCorners };
}

export function linearTaps(axis: Axis, d: number, alignCorners: boolean): LinearTaps {
  if (axis.outSize === axis.inSize) return { i0: d, i1: d, l0: 1, l1: 0 };
  const r = alignCorners ? d * axis.step : Math.max(axis.step * (d + 0.5) - 0.5, 0);
  const i0 = Math.floor(r);
  const l1 = r - i0;
  return { i0, i1: Math.min(i0 + 1, axis.inSize - 1), l0: 1 - l1, l1 };
}

/** Calls visit(xi, oi, weight) for the four taps of every output element. */
function forEachTap(shape: readonly number[], g: ResampleGeometry, alignCorners: boolean, visit: (xi: number, oi: number, weight: number) => void): void {
  const [N, C, H, W] = shape;
  const rows = Array.from({ length: g.Ho }, (_, i) => linearTaps(g.rows, i, alignCorners));
  const cols = Array.from({ length: g.Wo }, (_, j) => linearTaps(g.cols, j, alignCorners));
  for (let p = 0; p < N * C; p++) {
    for (let i = 0; i < g.Ho; i++) {
      const { i0: h0, i1: h1, l0: a0, l1: a1 } = rows[i];
      for (let j = 0; j < g.Wo; j++) {
        const { i0: w0, i1: w1, l0: b0, l1: b1 } = cols[j];
        const oi = (p * g.Ho + i) * g.Wo + j;
        visit((p * H + h0) * W + w0, oi, a0 * b0);
        visit((p * H + h0) * W + w1, oi, a0 * b1);
        visit((p * H + h1) * W + w0, oi, a1 * b0);
        visit((p * H + h1) * W + w1, oi, a1 * b1);
      }
    }
  }
}

export function upsampleBilinearForward(x: Tensor, params: UpsampleBilinearParams): { out: Tensor; cache: UpsampleBilinearCache } {
  const { alignCorners, ...geometry } = validateUpsampleBilinear(x, params);
  const out = tensor([geometry.N, geometry.C, geometry.Ho, geometry.Wo]);
  forEachTap(x.shape, geometry, alignCorners, (xi, oi, weight) => {
    out.data[oi] += weight * x.data[xi];
  });
  return { out, cache: { shape: x.shape, geometry, alignCorners } };
}

export function upsampleBilinearBackward(dout: Tensor, cache: UpsampleBilinearCache): { dx: Tensor } {
  const { shape, geometry, alignCorners } = cache;
  requireResampledGrad('upsample_bilinear', dout, geometry);
  const dx = tensor(shape);
  forEachTap(shape, geometry, alignCorners, (xi, oi, weight) => {
    dx.data[xi] += weight * dout.data[oi];
  });
  return { dx };
}
