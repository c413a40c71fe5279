import { groupnormLayout, validateGroupnorm, type GroupnormParams } from '../reference/groupnorm';
import type { GpuTensor } from './runtime/buffers';
import { normalizeBackward, normalizeByMoments, type NormCache } from './normalization';

/**
 * Twin of reference/groupnorm on x (N, C, H, W): the kernels of accelerated/normalization.ts with
 * one statistics group per (sample, channel group) (an invocation walks its C/G·H·W contiguous
 * values) and γ, β per channel; dγ and dβ walk N runs of H·W values per channel.
 */
export function groupnormForward(x: GpuTensor, gamma: GpuTensor, beta: GpuTensor, params: GroupnormParams): { out: GpuTensor; cache: NormCache } {
  const { G, eps } = validateGroupnorm(x, gamma, beta, params);
  return normalizeByMoments(x, gamma, beta, eps, groupnormLayout(x.shape, G));
}

export function groupnormBackward(dout: GpuTensor, cache: NormCache): { dx: GpuTensor; dgamma: GpuTensor; dbeta: GpuTensor } {
  return normalizeBackward('groupnorm', dout, cache);
}
