import type { GpuTensor } from './runtime/buffers';
import { rowLossBackward, rowLossForward, type LossCache, type RowLoss } from './classification';

/** Twin of reference/softmax_loss: max-subtracted log-sum-exp per sample row (tiling in classification.ts). */
const logSumExp = `
  var m = x[row];
  for (var j = 1u; j < C; j++) { m = max(m, x[row + j]); }
  var z = 0.0;
  for (var j = 0u; j < C; j++) { z += exp(x[row + j] - m); }`;

const softmax: RowLoss = {
  op: 'softmax_loss',
  lossBody: `${logSumExp}
  loss = log(z) - (x[row + yi] - m);`,
  gradBody: `${logSumExp}
  for (var j = 0u; j < C; j++) {
    dx[row + j] = g * (exp(x[row + j] - m) / z - select(0.0, 1.0, j == yi));
  }`,
};

export const softmaxLossForward = (x: GpuTensor, y: GpuTensor): { loss: GpuTensor; cache: LossCache } => rowLossForward(softmax, x, y);

export const softmaxLossBackward = (dloss: GpuTensor, cache: LossCache): { dx: GpuTensor } => rowLossBackward(softmax, dloss, cache);
