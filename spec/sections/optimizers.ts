import type { OpRow } from '../op';

/** OPS.md "Optimizers, schedules, initialization", in its order. */
export const OPTIMIZERS: OpRow[] = [];
