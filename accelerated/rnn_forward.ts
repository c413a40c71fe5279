import { requireGradShape } from '../reference/recurrent';
import { validateRnnForward } from '../reference/rnn_forward';
import type { GpuTensor } from './runtime/buffers';
import { recurrentBackward, recurrentForward, type SequenceCache } from './recurrent';
import { rnnCell } from './rnn_step';

/** Twin of reference/rnn_forward: the sequence driver of recurrent.ts with the tanh cell (tiling there). */
export function rnnForward(x: GpuTensor, h0: GpuTensor, Wx: GpuTensor, Wh: GpuTensor, b: GpuTensor) {
  const dims = validateRnnForward(x, h0, Wx, Wh, b);
  return recurrentForward(rnnCell, dims, { x, h0, Wx, Wh, b }, null);
}

export function rnnBackward(dh: GpuTensor, cache: SequenceCache<null>) {
  const { N, T, H } = cache.dims;
  requireGradShape('rnn_forward', 'dh', dh, [N, T, H]);
  return recurrentBackward(rnnCell, dh, cache, null);
}
