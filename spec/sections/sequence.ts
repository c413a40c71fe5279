import type { OpRow } from '../op';

/** OPS.md "Sequence", in its order. */
export const SEQUENCE: OpRow[] = [];
