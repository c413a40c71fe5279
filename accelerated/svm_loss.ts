import type { GpuTensor } from './runtime/buffers';
import { rowLossBackward, rowLossForward, type LossCache, type RowLoss } from './classification';

/** Twin of reference/svm_loss: hinge margins per sample row (see classification.ts for the tiling). */
const svm: RowLoss = {
  op: 'svm_loss',
  lossBody: `
  let correct = x[row + yi];
  for (var j = 0u; j < C; j++) {
    if (j != yi) { loss += max(0.0, x[row + j] - correct + 1.0); }
  }`,
  gradBody: `
  let correct = x[row + yi];
  var count = 0.0;
  for (var j = 0u; j < C; j++) {
    let on = j != yi && x[row + j] - correct + 1.0 > 0.0;
    dx[row + j] = select(0.0, g, on);
    count += select(0.0, 1.0, on);
  }
  dx[row + yi] = -g * count;`,
};

export const svmLossForward = (x: GpuTensor, y: GpuTensor): { loss: GpuTensor; cache: LossCache } => rowLossForward(svm, x, y);

export const svmLossBackward = (dloss: GpuTensor, cache: LossCache): { dx: GpuTensor } => rowLossBackward(svm, dloss, cache);
