import { INIT_ROWS } from '../init';
import { section } from '../harness/op';
import { OPTIMIZER_ROWS } from '../optimizers';
import { SCHEDULE_ROWS } from '../schedules';

/**
 * In the order of docs/ops.md. These rules are small, so each
 * family (optimizers, schedules, init) keeps its rows in one spec file beside one reference and one
 * twin file of the same name: "one op, one place" holds at the family level.
 */
export const OPTIMIZERS = section('Optimizers, schedules, initialization', [...OPTIMIZER_ROWS, ...SCHEDULE_ROWS, ...INIT_ROWS]);
