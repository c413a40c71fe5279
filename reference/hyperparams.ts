import { formatIndex } from './tensor';
import { InputError, type Shaped } from './validate';

/**
 * Checks shared by the optimizer, schedule and initialization families (OPS.md "Optimizers,
 * schedules, initialization"): hyper-parameters with open or closed bounds, non-negative state
 * tensors, step numbers. Messages follow reference/validate.ts: `op: arg: expected …, got …`.
 */
export interface Range {
  /** value ≥ min */
  min?: number;
  /** value > above */
  above?: number;
  /** value ≤ max */
  max?: number;
  /** value < below */
  below?: number;
  integer?: boolean;
}

const describeRange = ({ min, above, max, below, integer }: Range): string => {
  const bounds = [
    min !== undefined ? `≥ ${min}` : above !== undefined ? `> ${above}` : '',
    max !== undefined ? `≤ ${max}` : below !== undefined ? `< ${below}` : '',
  ].filter(Boolean);
  return `${integer ? 'an integer' : 'a number'}${bounds.length ? ` ${bounds.join(' and ')}` : ''}`;
};

const shown = (value: unknown): string => (typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value));

/** The param `name` of `params`, or `fallback` when absent, checked to be a finite number in `range`. */
export function hyper(op: string, params: object, name: string, fallback: number | undefined, range: Range = {}): number {
  const value = (params as Record<string, unknown>)[name] ?? fallback;
  const { min = -Infinity, above = -Infinity, max = Infinity, below = Infinity, integer = false } = range;
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value > above &&
    value <= max && value < below && (!integer || Number.isInteger(value));
  if (!ok) throw new InputError(op, name, describeRange(range), shown(value));
  return value as number;
}

/** State that is a running sum or average of squares (adagrad's cache, adam's v). */
export function requireNonNegative(op: string, arg: string, t: Shaped): void {
  if (!t.data) return;
  for (let i = 0; i < t.data.length; i++) {
    if (!(t.data[i] >= 0)) throw new InputError(op, arg, 'values ≥ 0', `${t.data[i]} at ${formatIndex(i, t.shape)}`);
  }
}

/** Step counts: whole numbers ≥ 0 (below 2²⁴, so float32 and int32 hold them exactly). */
export const MAX_STEP = 2 ** 24 - 1;

export function requireSteps(op: string, arg: string, t: Shaped): void {
  if (!t.data) return;
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    if (!Number.isInteger(v) || v < 0 || v > MAX_STEP) {
      throw new InputError(op, arg, `integer steps in [0, ${MAX_STEP}]`, `${v} at ${formatIndex(i, t.shape)}`);
    }
  }
}
