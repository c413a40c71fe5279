import { numel, reshape, tensor, type Tensor } from './tensor';
import { requireFinite, requireRank, requireShape, type Shaped } from './validate';

export interface AffineCache {
  x: Tensor;
  w: Tensor;
}

/** x (N, d1…dk) is read as (N, D) with D = d1·…·dk; w is (D, M), b is (M). */
export function validateAffine(x: Shaped, w: Shaped, b: Shaped): { N: number; D: number; M: number } {
  requireRank('affine', 'x', x, { min: 2 });
  const N = x.shape[0];
  const D = numel(x.shape.slice(1));
  requireRank('affine', 'w', w, 2);
  requireShape('affine', 'w', w, [D, 'M'], `D = ${D} from x`);
  const M = w.shape[1];
  requireShape('affine', 'b', b, [M], `M = ${M} from w`);
  for (const [name, t] of [
    ['x', x],
    ['w', w],
    ['b', b],
  ] as const)
    requireFinite('affine', name, t);
  return { N, D, M };
}

/** out[n, m] = Σ_d x[n, d]·w[d, m] + b[m] */
export function affineForward(x: Tensor, w: Tensor, b: Tensor): { out: Tensor; cache: AffineCache } {
  const { N, D, M } = validateAffine(x, w, b);
  const out = tensor([N, M]);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      let s = b.data[m];
      for (let d = 0; d < D; d++) s += x.data[n * D + d] * w.data[d * M + m];
      out.data[n * M + m] = s;
    }
  }
  return { out, cache: { x, w } };
}

/**
 * dx = dout·wᵀ (reshaped to x's shape), dw = xᵀ·dout, db = Σ_n dout[n, :]
 */
export function affineBackward(dout: Tensor, cache: AffineCache): { dx: Tensor; dw: Tensor; db: Tensor } {
  const { x, w } = cache;
  const [D, M] = w.shape;
  const N = x.shape[0];
  requireShape('affine_backward', 'dout', dout, [N, M], 'N and M from the forward pass');
  const dx = tensor([N, D]);
  const dw = tensor([D, M]);
  const db = tensor([M]);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const g = dout.data[n * M + m];
      db.data[m] += g;
      for (let d = 0; d < D; d++) {
        dx.data[n * D + d] += g * w.data[d * M + m];
        dw.data[d * M + m] += x.data[n * D + d] * g;
      }
    }
  }
  return { dx: reshape(dx, x.shape), dw, db };
}
