import { epsParam, groupMoments, normalize, normalizeBackward, perChannel, perRow, validateScaleShift, type NormCache, type NormLayout } from './normalization';
import type { Tensor } from './tensor';
import { InputError, requireNumber, type Shaped } from './validate';

export interface GroupnormParams {
  G?: unknown;
  eps?: unknown;
}

export function validateGroupnorm(x: Shaped, gamma: Shaped, beta: Shaped, params: GroupnormParams): { G: number; eps: number } {
  const op = 'groupnorm';
  const C = validateScaleShift(op, x, gamma, beta, 4, 1, 'C');
  const { G } = params;
  requireNumber(op, 'G', G, { min: 1, integer: true });
  if (C % G !== 0) throw new InputError(op, 'G', `a divisor of C = ${C} (from x)`, String(G));
  return { G, eps: epsParam(op, params) };
}

/** Statistics per (n, g): contiguous runs of C/G·H·W values; channels as in spatial batchnorm. */
export function groupnormLayout([N, C, H, W]: readonly number[], G: number): NormLayout {
  return { stats: perRow(N * G, (C / G) * H * W), channels: perChannel(N, C, H * W) };
}

/**
 * Group normalization of x (N, C, H, W): the C channels split into G groups of C/G consecutive
 * channels; statistics per sample n and group over its C/G·H·W values; γ and β per channel;
 * params G, eps = 1e-5 (shared formulas in reference/normalization.ts). G = 1 is layer norm over
 * (C, H, W); G = C is instance norm.
 *
 *   μ_{n,g} = mean of x[n, g·C/G : (g+1)·C/G, :, :],  σ²_{n,g} its biased variance,
 *   out[n, c, h, w] = γ_c·(x[n, c, h, w] − μ_{n,g})/√(σ²_{n,g} + eps) + β_c,   g = ⌊c / (C/G)⌋
 */
export function groupnormForward(x: Tensor, gamma: Tensor, beta: Tensor, params: GroupnormParams): { out: Tensor; cache: NormCache } {
  const { G, eps } = validateGroupnorm(x, gamma, beta, params);
  const layout = groupnormLayout(x.shape, G);
  return normalize(x, gamma, beta, groupMoments(x, layout.stats), eps, layout, true);
}

/**
 * With g = dout·γ: dx = istd·(g − mean(g) − x̂·mean(g·x̂)) over each (n, group);
 * dγ_c = Σ_{n,h,w} dout·x̂, dβ_c = Σ_{n,h,w} dout. G is recovered from the cache: one istd per (n, group).
 */
export function groupnormBackward(dout: Tensor, cache: NormCache): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  const G = cache.istd.length / cache.xhat.shape[0];
  return normalizeBackward('groupnorm', dout, cache, groupnormLayout(cache.xhat.shape, G));
}
