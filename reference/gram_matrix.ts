import { flag } from './choices';
import { gramBackwardInto, gramInto } from './style';
import { tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

export interface GramMatrixParams {
  normalize?: boolean;
}

export interface GramMatrixCache {
  features: Tensor;
  scale: number;
}

/** features (N, C, H, W), non-empty and finite; normalize (default true) a boolean. Returns the Gram scale. */
export function validateGramMatrix(features: Shaped, params: GramMatrixParams = {}): { N: number; C: number; HW: number; scale: number } {
  requireRank('gram_matrix', 'features', features, 4);
  requirePositiveSizes('gram_matrix', 'features', features);
  requireFinite('gram_matrix', 'features', features);
  const [N, C, H, W] = features.shape;
  const normalize = flag('gram_matrix', params, 'normalize', true);
  return { N, C, HW: H * W, scale: normalize ? 1 / (H * W * C) : 1 };
}

/** out[n] = Fₙ·Fₙᵀ / (H·W·C) (without the division when normalize is false), Fₙ = features[n] as (C, H·W) */
export function gramMatrixForward(features: Tensor, params: GramMatrixParams = {}): { out: Tensor; cache: GramMatrixCache } {
  const { N, C, HW, scale } = validateGramMatrix(features, params);
  const out = tensor([N, C, C]);
  for (let n = 0; n < N; n++) gramInto(features.data, n * C * HW, C, HW, scale, out.data, n * C * C);
  return { out, cache: { features, scale } };
}

/** dFₙ = (doutₙ + doutₙᵀ)·Fₙ·scale */
export function gramMatrixBackward(dout: Tensor, cache: GramMatrixCache): { dfeatures: Tensor } {
  const { features, scale } = cache;
  const [N, C, H, W] = features.shape;
  requireShape('gram_matrix_backward', 'dout', dout, [N, C, C], 'the shape of out');
  const dfeatures = tensor(features.shape);
  for (let n = 0; n < N; n++) gramBackwardInto(dout.data, n * C * C, features.data, n * C * H * W, C, H * W, scale, dfeatures.data);
  return { dfeatures };
}
