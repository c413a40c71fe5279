import {
  batchnormFamilyForward,
  batchnormLayout,
  normalizeBackward,
  validateBatchnormFamily,
  type BatchnormParams,
  type BatchnormSettings,
  type NormCache,
} from './normalization';
import type { Tensor } from './tensor';
import type { Shaped } from './validate';

export function validateSpatialBatchnorm(
  x: Shaped,
  gamma: Shaped,
  beta: Shaped,
  running_mean: Shaped,
  running_var: Shaped,
  params: BatchnormParams,
): BatchnormSettings {
  return validateBatchnormFamily('spatial_batchnorm', x, gamma, beta, running_mean, running_var, params, 4, 'C');
}

/**
 * Batch normalization of images x (N, C, H, W): batchnorm (reference/batchnorm.ts) with statistics
 * per channel c over N, H and W, M = N·H·W values each; the same modes, params and running rule:
 *
 *   μ_c = (1/M) Σ_{n,h,w} x[n, c, h, w],  σ²_c = (1/M) Σ_{n,h,w} (x[n, c, h, w] − μ_c)²,
 *   out[n, c, h, w] = γ_c·(x[n, c, h, w] − μ_c)/√(σ²_c + eps) + β_c
 */
export function spatialBatchnormForward(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  running_mean: Tensor,
  running_var: Tensor,
  params: BatchnormParams,
): { out: Tensor; running_mean: Tensor; running_var: Tensor; cache: NormCache } {
  const settings = validateSpatialBatchnorm(x, gamma, beta, running_mean, running_var, params);
  return batchnormFamilyForward(x, gamma, beta, running_mean, running_var, settings, batchnormLayout(x.shape));
}

/**
 * Only `out` is differentiated; sums over n, h, w:
 *   train: dx = (1/M)·γ·istd·(M·dout − Σ dout − x̂·Σ dout·x̂);  test: dx = γ·istd·dout
 *   dγ_c = Σ dout·x̂,  dβ_c = Σ dout
 */
export function spatialBatchnormBackward(dout: Tensor, cache: NormCache): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  return normalizeBackward('spatial_batchnorm', dout, cache, batchnormLayout(cache.xhat.shape));
}
