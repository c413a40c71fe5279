import { validateSelu } from '../reference/selu';
import { activationBackward, activationForward, selu, type ActivationCache } from './activations';
import type { GpuTensor } from './runtime/buffers';

/** Twin of reference/selu (kernels and tiling in activations.ts). */
export function seluForward(x: GpuTensor): { out: GpuTensor; cache: ActivationCache } {
  validateSelu(x);
  return activationForward(selu, x);
}

export const seluBackward = activationBackward;
