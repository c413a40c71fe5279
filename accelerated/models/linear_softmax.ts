import { softmaxLossBackward, softmaxLossForward } from '../softmax_loss';
import { linearClassifier } from './linear';

/** Twin of reference/models/linear_softmax.ts. */
export const linearSoftmax = (reg: number) =>
  linearClassifier({ forward: softmaxLossForward, backward: softmaxLossBackward }, reg);
