import { validateGelu, type GeluParams } from '../reference/gelu';
import { activationBackward, activationForward, geluExact, geluTanh, type ActivationCache } from './activations';
import type { GpuTensor } from './runtime/buffers';

/** Twin of reference/gelu (kernels and tiling in activations.ts). */
export function geluForward(x: GpuTensor, params: GeluParams = {}): { out: GpuTensor; cache: ActivationCache } {
  const { approximate } = validateGelu(x, params);
  return activationForward(approximate === 'none' ? geluExact : geluTanh, x);
}

export const geluBackward = activationBackward;
