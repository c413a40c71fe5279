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

export function validateBatchnorm(
  x: Shaped,
  gamma: Shaped,
  beta: Shaped,
  running_mean: Shaped,
  running_var: Shaped,
  params: BatchnormParams,
): BatchnormSettings {
  return validateBatchnormFamily('batchnorm', x, gamma, beta, running_mean, running_var, params, 2, 'D');
}

/**
 * Batch normalization of x (N, D), statistics per feature d over the batch; params mode
 * "train" | "test", eps = 1e-5, momentum = 0.9 (shared formulas in reference/normalization.ts):
 *
 *   train: μ_d = (1/N) Σ_n x[n, d],  σ²_d = (1/N) Σ_n (x[n, d] − μ_d)²  (biased),
 *          x̂ = (x − μ)/√(σ² + eps),  out = γ·x̂ + β,
 *          running_mean = momentum·running_mean + (1 − momentum)·μ,
 *          running_var  = momentum·running_var  + (1 − momentum)·σ²
 *   test:  out = γ·(x − running_mean)/√(running_var + eps) + β, running statistics unchanged
 */
export function batchnormForward(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  running_mean: Tensor,
  running_var: Tensor,
  params: BatchnormParams,
): { out: Tensor; running_mean: Tensor; running_var: Tensor; cache: NormCache } {
  const settings = validateBatchnorm(x, gamma, beta, running_mean, running_var, params);
  return batchnormFamilyForward(x, gamma, beta, running_mean, running_var, settings, batchnormLayout(x.shape));
}

/**
 * Only `out` is differentiated (the running statistics are outputs without a gradient):
 *   train: dx = (1/N)·γ·istd·(N·dout − Σ_n dout − x̂·Σ_n dout·x̂),   istd = 1/√(σ² + eps)
 *   test:  dx = γ·istd·dout,   istd = 1/√(running_var + eps)
 *   dγ = Σ_n dout·x̂,  dβ = Σ_n dout
 */
export function batchnormBackward(dout: Tensor, cache: NormCache): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  return normalizeBackward('batchnorm', dout, cache, batchnormLayout(cache.xhat.shape));
}
