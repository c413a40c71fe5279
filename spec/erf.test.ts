import { describe, expect, it } from 'vitest';
import { erfc } from '../reference/erf';

/**
 * erfc (reference/erf.ts, the exact GELU's Φ) against tabulated values (erf(x) to 25 digits, e.g.
 * Abramowitz & Stegun 7.1 and Wolfram|Alpha, rounded to the nearest double): both branches (the series below 1, the continued
 * fraction from 1 on), both signs and the far tail.
 */
const TABLE: readonly [x: number, erfc: number][] = [
  [0, 1],
  [0.5, 0.4795001221869535],
  [-0.5, 1.5204998778130465],
  [1, 0.15729920705028513],
  [-1, 1.8427007929497148],
  [2, 0.004677734981047266],
  [3, 2.209049699858544e-5],
  [5, 1.537459794428035e-12],
  [10, 2.088487583762545e-45],
];

describe('erfc', () => {
  it.each(TABLE)('erfc(%s) = %s to a few ulp', (x, want) => {
    expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-14);
  });
});
