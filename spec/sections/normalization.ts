import type { OpRow } from '../op';

/** OPS.md "Normalization", in its order. */
export const NORMALIZATION: OpRow[] = [];
