import { REFERENCE_OPS } from './layers';
import { linearClassifierOn } from './linear';

/** Linear softmax classifier: L = softmax_loss(X·W + b, y) + reg·ΣW² (linear.ts). */
export const linearSoftmax = (reg: number) => linearClassifierOn(REFERENCE_OPS, 'softmax', reg);
