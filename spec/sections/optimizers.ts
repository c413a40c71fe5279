import { INIT_ROWS } from '../init';
import type { OpRow } from '../op';
import { OPTIMIZER_ROWS } from '../optimizers';
import { SCHEDULE_ROWS } from '../schedules';

/**
 * OPS.md "Optimizers, schedules, initialization", in its order. These rules are small, so each
 * family (optimizers, schedules, init) keeps its rows in one spec file beside one reference and one
 * twin file of the same name: "one op, one place" holds at the family level.
 */
export const OPTIMIZERS: OpRow[] = [...OPTIMIZER_ROWS, ...SCHEDULE_ROWS, ...INIT_ROWS];
