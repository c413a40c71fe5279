/** Gallery (`grade --twin`): a relu twin whose forward never returns. */
import type { GpuTensor } from '../../accelerated/runtime/buffers';

export { reluBackward } from '../../accelerated/relu';

export function reluForward(x: GpuTensor): { out: GpuTensor; cache: { x: GpuTensor } } {
  let i = 0;
  while (i >= 0) i = (i + 1) % 10;
  return { out: x, cache: { x } };
}
