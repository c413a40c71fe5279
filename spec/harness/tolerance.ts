import { formatIndex, formatShape, type Tensor } from '../../reference/tensor';

/**
 * Tolerance rules. Twin (float32) vs reference (float64): |a − b| ≤ atol + rtol·|b| elementwise,
 * defaults below; a row may state more (with its reason in the row). Reductions over a long axis
 * may scale atol with √length (see `scaledAtol`).
 */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

export const TWIN_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-4 };

/** Committed case files vs the float64 reference. */
export const CASE_FILE_TOLERANCE: Tolerance = { atol: 1e-12, rtol: 1e-10 };

/** Variants of the same float64 reference (naive vs vectorized) differ only in summation order. */
export const VARIANT_TOLERANCE: Tolerance = { atol: 1e-12, rtol: 1e-10 };

/** Gradient check: max elementwise rel_error must stay below this (DESIGN.md). */
export const GRADCHECK_THRESHOLD = 1e-7;

/** atol for a float32 sum of `length` terms of magnitude ~1: rounding grows like √length. */
export const scaledAtol = (base: Tolerance, length: number): Tolerance => ({ ...base, atol: base.atol * Math.sqrt(Math.max(1, length)) });

export interface Comparison {
  readonly name: string;
  readonly ok: boolean;
  readonly maxAbs: number;
  readonly maxRel: number;
  /** The element furthest outside (or closest to) its bound. */
  readonly worst?: { index: string; actual: number; expected: number };
  readonly problem?: string;
}

/** Compares `actual` against `expected` elementwise under `tol`. */
export function compare(name: string, actual: Tensor | undefined, expected: Tensor, tol: Tolerance): Comparison {
  if (!actual) return { name, ok: false, maxAbs: NaN, maxRel: NaN, problem: `${name}: missing` };
  if (formatShape(actual.shape) !== formatShape(expected.shape)) {
    return {
      name,
      ok: false,
      maxAbs: NaN,
      maxRel: NaN,
      problem: `${name}: shape ${formatShape(actual.shape)}, expected ${formatShape(expected.shape)}`,
    };
  }
  let maxAbs = 0;
  let maxRel = 0;
  let worstExcess = -Infinity;
  let worst = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i];
    const b = expected.data[i];
    // NaN on either side, or a missing element (undefined), is infinitely far off; equal infinities are not.
    const d = Math.abs(a - b);
    const diff = a === b ? 0 : Number.isNaN(d) ? Infinity : d;
    maxAbs = Math.max(maxAbs, diff);
    maxRel = Math.max(maxRel, diff / Math.max(Math.abs(b), tol.atol)); // relative to |b|, or to atol near 0
    const excess = diff - (tol.atol + tol.rtol * Math.abs(b));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  const ok = worstExcess <= 0;
  const detail = worst >= 0 ? { index: formatIndex(worst, expected.shape), actual: actual.data[worst], expected: expected.data[worst] } : undefined;
  return { name, ok, maxAbs, maxRel, worst: detail };
}

/** One line per comparison, e.g. "dx[2, 1]: got 0.25 expected 0.5 (|diff| 0.25 > atol 1e-5 + rtol 1e-4·|expected|)". */
export function describe(c: Comparison, tol: Tolerance, sides = { actual: 'got', expected: 'expected' }): string {
  if (c.problem) return c.problem;
  const status = c.ok ? 'ok  ' : 'FAIL';
  const head = `${status} ${c.name.padEnd(8)} max abs ${c.maxAbs.toExponential(2)}  max rel ${c.maxRel.toExponential(2)}`;
  if (c.ok || !c.worst) return head;
  const { index, actual, expected } = c.worst;
  return (
    `${head}\n     worst ${c.name}${index}: ${sides.actual} ${actual} ${sides.expected} ${expected} ` +
    `(|diff| ${Math.abs(actual - expected).toExponential(2)} > atol ${tol.atol} + rtol ${tol.rtol}·|${sides.expected}|)`
  );
}
