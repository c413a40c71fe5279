import { conv2d } from '../conv2d';
import { conv_transpose2d } from '../conv_transpose2d';
import type { OpRow } from '../op';

/** OPS.md "Convolution, pooling, resampling", in its order. */
export const CONVOLUTION: OpRow[] = [
  conv2d,
  conv_transpose2d,
];
