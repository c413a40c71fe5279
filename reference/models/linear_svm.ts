import { REFERENCE_OPS } from './layers';
import { linearClassifierOn } from './linear';

/** Linear SVM: L = svm_loss(X·W + b, y) + reg·ΣW² (multiclass hinge, margin 1; linear.ts). */
export const linearSvm = (reg: number) => linearClassifierOn(REFERENCE_OPS, 'svm', reg);
