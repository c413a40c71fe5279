import { batchnormLayout, type BatchnormParams } from '../reference/normalization';
import { validateSpatialBatchnorm } from '../reference/spatial_batchnorm';
import type { GpuTensor } from './buffers';
import { batchnormFamilyForward, normalizeBackward, type NormCache } from './normalization';

/**
 * Twin of reference/spatial_batchnorm on x (N, C, H, W): the kernels of accelerated/normalization.ts
 * with one statistics group per channel (an invocation per channel walks N runs of H·W contiguous
 * values) and per-element normalize and dx kernels.
 */
export function spatialBatchnormForward(
  x: GpuTensor,
  gamma: GpuTensor,
  beta: GpuTensor,
  running_mean: GpuTensor,
  running_var: GpuTensor,
  params: BatchnormParams,
): { out: GpuTensor; running_mean: GpuTensor; running_var: GpuTensor; cache: NormCache } {
  const settings = validateSpatialBatchnorm(x, gamma, beta, running_mean, running_var, params);
  return batchnormFamilyForward(x, gamma, beta, running_mean, running_var, settings, batchnormLayout(x.shape));
}

export function spatialBatchnormBackward(dout: GpuTensor, cache: NormCache): { dx: GpuTensor; dgamma: GpuTensor; dbeta: GpuTensor } {
  return normalizeBackward(dout, cache);
}
