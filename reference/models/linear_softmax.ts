import { softmaxLossVectorizedBackward, softmaxLossVectorizedForward } from '../softmax_loss';
import { linearClassifier } from './linear';

/** Linear softmax classifier: L = softmax_loss(X·W + b, y) + reg·ΣW² (linear.ts). */
export const linearSoftmax = (reg: number) =>
  linearClassifier({ forward: softmaxLossVectorizedForward, backward: softmaxLossVectorizedBackward }, reg);
