import { validateBatchnorm } from '../reference/batchnorm';
import { batchnormLayout, type BatchnormParams } from '../reference/normalization';
import type { GpuTensor } from './buffers';
import { batchnormFamilyForward, normalizeBackward, type NormCache } from './normalization';

/**
 * Twin of reference/batchnorm on x (N, D): the kernels of accelerated/normalization.ts with one
 * statistics group per feature (an invocation per feature walks the N rows, coalesced across
 * features) and per-element normalize and dx kernels.
 */
export function batchnormForward(
  x: GpuTensor,
  gamma: GpuTensor,
  beta: GpuTensor,
  running_mean: GpuTensor,
  running_var: GpuTensor,
  params: BatchnormParams,
): { out: GpuTensor; running_mean: GpuTensor; running_var: GpuTensor; cache: NormCache } {
  const settings = validateBatchnorm(x, gamma, beta, running_mean, running_var, params);
  return batchnormFamilyForward(x, gamma, beta, running_mean, running_var, settings, batchnormLayout(x.shape));
}

export function batchnormBackward(dout: GpuTensor, cache: NormCache): { dx: GpuTensor; dgamma: GpuTensor; dbeta: GpuTensor } {
  return normalizeBackward(dout, cache);
}
