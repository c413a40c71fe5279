import { validateSigmoid } from '../reference/sigmoid';
import { activationBackward, activationForward, sigmoid, type ActivationCache } from './activations';
import type { GpuTensor } from './runtime/buffers';

/** Twin of reference/sigmoid (kernels and tiling in activations.ts). */
export function sigmoidForward(x: GpuTensor): { out: GpuTensor; cache: ActivationCache } {
  validateSigmoid(x);
  return activationForward(sigmoid, x);
}

export const sigmoidBackward = activationBackward;
