/**
 * Gallery (`grade --twin`): a relu twin whose forward kernel computes a leaky relu (0.01·x where
 * x ≤ 0); its backward is right. Scores 0 on the forward tests.
 */
import type { GpuTensor } from '../../accelerated/runtime/buffers';
import { map } from '../../accelerated/runtime/elementwise';

export { reluBackward } from '../../accelerated/relu';

export function reluForward(x: GpuTensor): { out: GpuTensor; cache: { x: GpuTensor } } {
  return { out: map('leaky_relu', 'select(0.01 * a, a, a > 0.0)', x), cache: { x } };
}
