import type { OpRow } from '../op';

/** OPS.md "Convolution, pooling, resampling", in its order. */
export const CONVOLUTION: OpRow[] = [];
