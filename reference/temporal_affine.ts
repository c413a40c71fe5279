import { affineBackward, affineForward, type AffineCache } from './affine';
import { requireGradShape } from './recurrent';
import { reshape, type Tensor } from './tensor';
import { requireFinite, requireRank, requireShape, type Shaped } from './validate';

export interface TemporalAffineCache {
  affine: AffineCache;
  xShape: readonly number[];
}

/** x (N, T, D), w (D, M), b (M). */
export function validateTemporalAffine(x: Shaped, w: Shaped, b: Shaped): { N: number; T: number; D: number; M: number } {
  requireRank('temporal_affine', 'x', x, 3);
  const [N, T, D] = x.shape;
  requireRank('temporal_affine', 'w', w, 2);
  requireShape('temporal_affine', 'w', w, [D, 'M'], `D = ${D} from x`);
  const M = w.shape[1];
  requireShape('temporal_affine', 'b', b, [M], `M = ${M} from w`);
  for (const [name, t] of [
    ['x', x],
    ['w', w],
    ['b', b],
  ] as const)
    requireFinite('temporal_affine', name, t);
  return { N, T, D, M };
}

/** out[n, t, m] = Σ_d x[n, t, d]·w[d, m] + b[m]: the affine layer on x viewed as (N·T, D). */
export function temporalAffineForward(x: Tensor, w: Tensor, b: Tensor): { out: Tensor; cache: TemporalAffineCache } {
  const { N, T, D, M } = validateTemporalAffine(x, w, b);
  const { out, cache } = affineForward(reshape(x, [N * T, D]), w, b);
  return { out: reshape(out, [N, T, M]), cache: { affine: cache, xShape: x.shape } };
}

/** The affine backward on dout viewed as (N·T, M): dx = dout·wᵀ, dw = Σ_{n,t} x[n, t]ᵀ·dout[n, t], db = Σ_{n,t} dout[n, t]. */
export function temporalAffineBackward(dout: Tensor, cache: TemporalAffineCache): { dx: Tensor; dw: Tensor; db: Tensor } {
  const [N, T] = cache.xShape;
  const M = cache.affine.w.shape[1];
  requireGradShape('temporal_affine', 'dout', dout, [N, T, M]);
  const { dx, dw, db } = affineBackward(reshape(dout, [N * T, M]), cache.affine);
  return { dx: reshape(dx, cache.xShape), dw, db };
}
