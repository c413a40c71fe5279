import { formatIndex, formatShape, numel } from './tensor';

/**
 * Input checks shared by every op, reference and twin alike. Each failure names the op, the
 * argument, what was expected and what was given, e.g.
 *   affine: w: expected shape [12, M] (D = 12 from x), got [10, 5]
 * Checks that read values run only when the argument carries host data.
 */
export class InputError extends Error {
  constructor(
    readonly op: string,
    readonly arg: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${op}: ${arg}: expected ${expected}, got ${actual}`);
    this.name = 'InputError';
  }
}

/** Anything with a shape: a reference Tensor, a device tensor. `data` only on the host. */
export interface Shaped {
  readonly shape: readonly number[];
  readonly data?: ArrayLike<number>;
}

/** A dimension in an expected shape: a fixed size, or a name such as 'M' for "any size". */
export type Dim = number | string;

export function requireRank(op: string, arg: string, t: Shaped, rank: number | { min: number }): void {
  const ok = typeof rank === 'number' ? t.shape.length === rank : t.shape.length >= rank.min;
  if (!ok) {
    const want = typeof rank === 'number' ? `rank ${rank}` : `rank ≥ ${rank.min}`;
    throw new InputError(op, arg, want, `rank ${t.shape.length} (shape ${formatShape(t.shape)})`);
  }
}

/**
 * Requires t.shape to match `dims` (a name matches any size). `why` explains where a fixed size
 * comes from, e.g. "D = 12 from x".
 */
export function requireShape(op: string, arg: string, t: Shaped, dims: readonly Dim[], why = ''): void {
  const ok = t.shape.length === dims.length && dims.every((d, i) => typeof d === 'string' || d === t.shape[i]);
  if (!ok) {
    const want = `shape [${dims.join(', ')}]`;
    throw new InputError(op, arg, why ? `${want} (${why})` : want, formatShape(t.shape));
  }
}

export function requirePositiveSizes(op: string, arg: string, t: Shaped): void {
  if (numel(t.shape) === 0) throw new InputError(op, arg, 'a non-empty tensor', `shape ${formatShape(t.shape)}`);
}

/**
 * Bounds a number must meet: inclusive `min`/`max`, exclusive `above`/`below`, whole numbers,
 * finite. NaN meets none. Every check of a param or of tensor values goes through `inRange`.
 */
export interface Range {
  min?: number;
  above?: number;
  max?: number;
  below?: number;
  integer?: boolean;
  finite?: boolean;
}

export const inRange = (v: number, { min, above, max, below, integer, finite }: Range): boolean =>
  !Number.isNaN(v) &&
  (min === undefined || v >= min) &&
  (above === undefined || v > above) &&
  (max === undefined || v <= max) &&
  (below === undefined || v < below) &&
  (!integer || Number.isInteger(v)) &&
  (!finite || Number.isFinite(v));

/** "an integer ≥ 1", "a number > 0 and ≤ 1": a scalar that meets `range`. */
export const describeRange = ({ min, above, max, below, integer }: Range): string => {
  const bounds = [
    min !== undefined ? `≥ ${min}` : above !== undefined ? `> ${above}` : '',
    max !== undefined ? `≤ ${max}` : below !== undefined ? `< ${below}` : '',
  ].filter(Boolean);
  return `${integer ? 'an integer' : 'a number'}${bounds.length ? ` ${bounds.join(' and ')}` : ''}`;
};

/** A value as a message shows it: numbers as written (NaN, Infinity), anything else as JSON. */
export const shown = (value: unknown): string => (typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value)));

/** A scalar argument in `range`; `what` says what that is when the default wording will not do. */
export function requireNumber(op: string, arg: string, value: unknown, range: Range = {}, what = describeRange(range)): asserts value is number {
  if (typeof value !== 'number' || !inRange(value, range)) throw new InputError(op, arg, what, shown(value));
}

/**
 * Every value of t in `range`, checked when t carries host data; `what` names such values in the
 * message, e.g. "labels in [0, 9]". The first value outside is reported with its index.
 */
export function requireValues(op: string, arg: string, t: Shaped, range: Range, what: string): void {
  if (!t.data) return;
  for (let i = 0; i < t.data.length; i++) {
    if (!inRange(t.data[i], range)) throw new InputError(op, arg, what, `${t.data[i]} at ${formatIndex(i, t.shape)}`);
  }
}

/** Rejects NaN and ±Infinity: ops that forbid them would otherwise return a silent NaN. */
export const requireFinite = (op: string, arg: string, t: Shaped): void => requireValues(op, arg, t, { finite: true }, 'finite values');

/** Whole numbers in [0, size): class labels (`what` = "labels") or indices into a table of `size` rows. */
export function requireIndices(op: string, arg: string, t: Shaped, size: number, what = 'indices', why = ''): void {
  requireValues(op, arg, t, { integer: true }, `integer ${what}`);
  requireValues(op, arg, t, { min: 0, below: size }, `${what} in [0, ${size - 1}]${why ? ` (${why})` : ''}`);
}

/** Integer class labels in [0, classes). */
export const requireLabels = (op: string, arg: string, t: Shaped, classes: number): void => requireIndices(op, arg, t, classes, 'labels');

/** Flags and masks: every value 0 or 1. */
export const requireZeroOne = (op: string, arg: string, t: Shaped, what = '0 or 1'): void => requireValues(op, arg, t, { min: 0, max: 1, integer: true }, what);
