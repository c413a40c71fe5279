import type { GpuTensor } from './runtime/buffers';
import { lastAxisBackward, lastAxisForward, type LastAxisCache, type LastAxisOp } from './softmax';

/** Twin of reference/log_softmax (kernels and tiling in softmax.ts): out = x − m − log z;  dx = dout − exp(out)·Σ dout */
const logSoftmax: LastAxisOp = {
  op: 'log_softmax',
  value: 'x[k] - m - log(z)',
  term: 'dout[k]',
  grad: 'dout[k] - exp(out[k]) * total',
};

export const logSoftmaxForward = (x: GpuTensor): { out: GpuTensor; cache: LastAxisCache } => lastAxisForward(logSoftmax, x);

export const logSoftmaxBackward = lastAxisBackward;
