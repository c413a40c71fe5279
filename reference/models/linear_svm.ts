import { svmLossVectorizedBackward, svmLossVectorizedForward } from '../svm_loss';
import { linearClassifier } from './linear';

/** Linear SVM: L = svm_loss(X·W + b, y) + reg·ΣW² (multiclass hinge, margin 1; linear.ts). */
export const linearSvm = (reg: number) =>
  linearClassifier({ forward: svmLossVectorizedForward, backward: svmLossVectorizedBackward }, reg);
