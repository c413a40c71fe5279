import type { OpRow } from '../op';

/** OPS.md "Attention", in its order. */
export const ATTENTION: OpRow[] = [];
