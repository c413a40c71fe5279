import type { OpRow } from '../op';

/** OPS.md "Detection", in its order. */
export const DETECTION: OpRow[] = [];
