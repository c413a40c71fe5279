import { validateTanh } from '../reference/tanh';
import { activationBackward, activationForward, tanh, type ActivationCache } from './activations';
import type { GpuTensor } from './runtime/buffers';

/** Twin of reference/tanh (kernels and tiling in activations.ts). */
export function tanhForward(x: GpuTensor): { out: GpuTensor; cache: ActivationCache } {
  validateTanh(x);
  return activationForward(tanh, x);
}

export const tanhBackward = activationBackward;
