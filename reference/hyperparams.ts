import { requireNumber, requireValues, type Range, type Shaped } from './validate';

/**
 * Checks shared by the optimizer, schedule and initialization families (docs/ops.md "Optimizers,
 * schedules, initialization"): hyper-parameters with open or closed bounds, non-negative state
 * tensors, step numbers. Messages follow reference/validate.ts: `op: arg: expected …, got …`.
 */

/** The param `name` of `params`, or `fallback` when absent, checked to be a finite number in `range`. */
export function hyper(op: string, params: object, name: string, fallback: number | undefined, range: Range = {}): number {
  const value = (params as Record<string, unknown>)[name] ?? fallback;
  requireNumber(op, name, value, { ...range, finite: true });
  return value;
}

/** State that is a running sum or average of squares (adagrad's cache, adam's v). */
export function requireNonNegative(op: string, arg: string, t: Shaped): void {
  requireValues(op, arg, t, { min: 0 }, 'values ≥ 0');
}

/** Step counts: whole numbers ≥ 0 (below 2²⁴, so float32 and int32 hold them exactly). */
export const MAX_STEP = 2 ** 24 - 1;

export function requireSteps(op: string, arg: string, t: Shaped): void {
  requireValues(op, arg, t, { min: 0, max: MAX_STEP, integer: true }, `integer steps in [0, ${MAX_STEP}]`);
}
