import { validateRelu } from '../reference/relu';
import { requireShape } from '../reference/validate';
import type { GpuTensor } from './runtime/buffers';
import { map } from './runtime/elementwise';

/** Twin of reference/relu: elementwise kernels, one invocation per element. */
export function reluForward(x: GpuTensor): { out: GpuTensor; cache: { x: GpuTensor } } {
  validateRelu(x);
  return { out: map('relu', 'max(a, 0.0)', x), cache: { x } };
}

export function reluBackward(dout: GpuTensor, cache: { x: GpuTensor }): { dx: GpuTensor } {
  requireShape('relu_backward', 'dout', dout, cache.x.shape, 'the shape of x');
  return { dx: map('relu_backward', 'select(0.0, b, a > 0.0)', cache.x, dout) };
}
