import { svmLossBackward, svmLossForward } from '../svm_loss';
import { linearClassifier } from './linear';

/** Twin of reference/models/linear_svm.ts. */
export const linearSvm = (reg: number) => linearClassifier({ forward: svmLossForward, backward: svmLossBackward }, reg);
