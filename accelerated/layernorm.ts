import { layernormLayout, validateLayernorm, type LayernormParams } from '../reference/layernorm';
import type { GpuTensor } from './runtime/buffers';
import { normalizeBackward, normalizeByMoments, type NormCache } from './normalization';

/**
 * Twin of reference/layernorm on x (N, D): the kernels of accelerated/normalization.ts with one
 * statistics group per sample (an invocation per row walks its D contiguous values) and γ, β per
 * feature; dγ and dβ walk the N rows of each feature.
 */
export function layernormForward(x: GpuTensor, gamma: GpuTensor, beta: GpuTensor, params: LayernormParams = {}): { out: GpuTensor; cache: NormCache } {
  const { eps } = validateLayernorm(x, gamma, beta, params);
  return normalizeByMoments(x, gamma, beta, eps, layernormLayout(x.shape));
}

export function layernormBackward(dout: GpuTensor, cache: NormCache): { dx: GpuTensor; dgamma: GpuTensor; dbeta: GpuTensor } {
  return normalizeBackward('layernorm', dout, cache);
}
