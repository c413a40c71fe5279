import { epsParam, groupMoments, normalize, normalizeBackward, perChannel, perRow, validateScaleShift, type NormCache, type NormLayout } from './normalization';
import type { Tensor } from './tensor';
import type { Shaped } from './validate';

export interface LayernormParams {
  eps?: unknown;
}

export function validateLayernorm(x: Shaped, gamma: Shaped, beta: Shaped, params: LayernormParams): { eps: number } {
  validateScaleShift('layernorm', x, gamma, beta, 2, 1, 'D');
  return { eps: epsParam('layernorm', params) };
}

/** Statistics per row n over D, γ and β per feature d. */
export const layernormLayout = ([N, D]: readonly number[]): NormLayout => ({ stats: perRow(N, D), channels: perChannel(N, D, 1) });

/**
 * Layer normalization of x (N, D): statistics per sample n over its D features, γ and β per
 * feature; eps = 1e-5 (shared formulas in reference/normalization.ts):
 *
 *   μ_n = (1/D) Σ_d x[n, d],  σ²_n = (1/D) Σ_d (x[n, d] − μ_n)²,
 *   out[n, d] = γ_d·(x[n, d] − μ_n)/√(σ²_n + eps) + β_d
 */
export function layernormForward(x: Tensor, gamma: Tensor, beta: Tensor, params: LayernormParams = {}): { out: Tensor; cache: NormCache } {
  const { eps } = validateLayernorm(x, gamma, beta, params);
  const layout = layernormLayout(x.shape);
  return normalize(x, gamma, beta, groupMoments(x, layout.stats), eps, layout, true);
}

/**
 * With g = dout·γ (γ varies along the normalized axis, unlike batchnorm's):
 *   dx[n, :] = istd_n·(g − mean_d(g) − x̂·mean_d(g·x̂)),  dγ = Σ_n dout·x̂,  dβ = Σ_n dout
 */
export function layernormBackward(dout: Tensor, cache: NormCache): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  return normalizeBackward('layernorm', dout, cache, layernormLayout(cache.xhat.shape));
}
