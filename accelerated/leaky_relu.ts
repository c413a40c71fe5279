import { validateLeakyRelu, type LeakyReluParams } from '../reference/leaky_relu';
import { activationBackward, activationForward, leakyRelu, type ActivationCache } from './activations';
import type { GpuTensor } from './runtime/buffers';

/** Twin of reference/leaky_relu (kernels and tiling in activations.ts). */
export function leakyReluForward(x: GpuTensor, params: LeakyReluParams = {}): { out: GpuTensor; cache: ActivationCache } {
  return activationForward(leakyRelu(validateLeakyRelu(x, params).alpha), x);
}

export const leakyReluBackward = activationBackward;
