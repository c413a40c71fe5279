import { validateElu, type EluParams } from '../reference/elu';
import { activationBackward, activationForward, elu, type ActivationCache } from './activations';
import type { GpuTensor } from './runtime/buffers';

/** Twin of reference/elu (kernels and tiling in activations.ts). */
export function eluForward(x: GpuTensor, params: EluParams = {}): { out: GpuTensor; cache: ActivationCache } {
  return activationForward(elu(validateElu(x, params).alpha), x);
}

export const eluBackward = activationBackward;
