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

/** Rejects NaN and ±Infinity: ops that forbid them would otherwise return a silent NaN. */
export function requireFinite(op: string, arg: string, t: Shaped): void {
  if (!t.data) return;
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i])) {
      throw new InputError(op, arg, 'finite values', `${t.data[i]} at ${formatIndex(i, t.shape)}`);
    }
  }
}

/** Integer class labels in [0, classes). */
export function requireLabels(op: string, arg: string, t: Shaped, classes: number): void {
  if (!t.data) return;
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    if (!Number.isInteger(v)) {
      throw new InputError(op, arg, 'integer labels', `${v} at ${formatIndex(i, t.shape)}`);
    }
    if (v < 0 || v >= classes) {
      throw new InputError(op, arg, `labels in [0, ${classes - 1}]`, `${v} at ${formatIndex(i, t.shape)}`);
    }
  }
}

export function requireNumber(
  op: string,
  arg: string,
  value: unknown,
  range: { min?: number; max?: number; integer?: boolean } = {},
): asserts value is number {
  const { min = -Infinity, max = Infinity, integer = false } = range;
  const ok = typeof value === 'number' && !Number.isNaN(value) && value >= min && value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    const bounds = [min > -Infinity ? `≥ ${min}` : '', max < Infinity ? `≤ ${max}` : ''].filter(Boolean).join(' and ');
    throw new InputError(op, arg, bounds ? `${kind} ${bounds}` : kind, JSON.stringify(value) ?? String(value));
  }
}
