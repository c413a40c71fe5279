import { linearClassifierOn } from '../../reference/models/linear';
import { WEBGPU_OPS } from './layers';

/** Twin of reference/models/linear_softmax.ts: the same classifier on the twins, on the device. */
export const linearSoftmax = (reg: number) => linearClassifierOn(WEBGPU_OPS, 'softmax', reg);
