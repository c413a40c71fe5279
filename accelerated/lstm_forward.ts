import { validateLstmForward } from '../reference/lstm_forward';
import { requireGradShape } from '../reference/recurrent';
import { zeros, type GpuTensor } from './runtime/buffers';
import { scope } from './runtime/scope';
import { lstmCell, lstmSequenceBackward, lstmState, type LstmState } from './lstm_step';
import { recurrentForward, type SequenceCache } from './recurrent';

/** Twin of reference/lstm_forward: the sequence driver of recurrent.ts with the LSTM cell, c0 = 0 (tiling there). */
export function lstmForward(x: GpuTensor, h0: GpuTensor, Wx: GpuTensor, Wh: GpuTensor, b: GpuTensor) {
  const dims = validateLstmForward(x, h0, Wx, Wh, b);
  const c0 = zeros(x.gpu, [dims.N, dims.H]); // WebGPU buffers start zeroed: c0 = 0
  return recurrentForward(lstmCell, dims, { x, h0, Wx, Wh, b }, lstmState(x.gpu, dims, c0));
}

export function lstmBackward(dh: GpuTensor, cache: SequenceCache<LstmState>) {
  const { N, T, H } = cache.dims;
  requireGradShape('lstm_forward', 'dh', dh, [N, T, H]);
  return scope(() => {
    const { dc0: _, ...grads } = lstmSequenceBackward(dh, zeros(dh.gpu, [N, H]), cache); // no gradient flows into the last cell
    return grads;
  });
}
