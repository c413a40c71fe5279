import { lastAxisTwin } from './softmax';

/** Twin of reference/log_softmax (kernels and tiling in softmax.ts): out = x − m − log z;  dx = dout − exp(out)·Σ dout */
export const { forward: logSoftmaxForward, backward: logSoftmaxBackward } = lastAxisTwin({
  op: 'log_softmax',
  value: 'x[k] - m - log(z)',
  term: 'dout[k]',
  grad: 'dout[k] - exp(out[k]) * total',
});
