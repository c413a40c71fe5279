import { linearClassifierOn } from '../../reference/models/linear';
import { WEBGPU_OPS } from './layers';

/** Twin of reference/models/linear_svm.ts: the same classifier on the twins, on the device. */
export const linearSvm = (reg: number) => linearClassifierOn(WEBGPU_OPS, 'svm', reg);
