import { validateReparameterize } from '../reference/reparameterize';
import { numel } from '../reference/tensor';
import { requireShape } from '../reference/validate';
import type { GpuTensor } from './runtime/buffers';
import { pointwise } from './runtime/pointwise';

/** Twin of reference/reparameterize: one invocation per element, forward and backward (memory-bound, no reuse). */
export interface ReparameterizeCache {
  logvar: GpuTensor;
  eps: GpuTensor;
}

export function reparameterizeForward(mu: GpuTensor, logvar: GpuTensor, eps: GpuTensor): { z: GpuTensor; cache: ReparameterizeCache } {
  validateReparameterize(mu, logvar, eps);
  const { z } = pointwise(mu.gpu, {
    name: 'reparameterize:forward',
    inputs: { mu, logvar, eps },
    outputs: { z: { shape: mu.shape } },
    count: numel(mu.shape),
    body: 'z[i] = mu[i] + exp(0.5 * logvar[i]) * eps[i];',
  });
  return { z, cache: { logvar, eps } };
}

export function reparameterizeBackward(dz: GpuTensor, cache: ReparameterizeCache): { dmu: GpuTensor; dlogvar: GpuTensor } {
  const { logvar, eps } = cache;
  requireShape('reparameterize_backward', 'dz', dz, logvar.shape, 'the shape of z');
  const { dmu, dlogvar } = pointwise(dz.gpu, {
    name: 'reparameterize:backward',
    inputs: { logvar, eps, dz },
    outputs: { dmu: { shape: dz.shape }, dlogvar: { shape: dz.shape } },
    count: numel(dz.shape),
    body: 'dmu[i] = dz[i];\n  dlogvar[i] = 0.5 * exp(0.5 * logvar[i]) * eps[i] * dz[i];',
  });
  return { dmu, dlogvar };
}
