import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECKS } from './checks';
import { describeGradcheck, gradcheck } from './gradcheck';
import { checkProperty, failureMessage, SUITE_SEED } from './properties';
import { TABLE } from './table';

/**
 * Per row: the reference backward (and every variant's) against centered differences, and the
 * variants against the reference, over random kink-free cases; plus every edge case of the row.
 */
const RUNS = 12;

describe.each(TABLE.filter((row) => CHECKS.gradcheck.runsFor(row) || CHECKS.variants.runsFor(row)).map((row) => [row.id, row] as const))('%s', (_, row) => {
  it(`gradient check and variant agreement over ${RUNS} random cases`, async () => {
    const result = await checkProperty(row, 'reference', { seed: SUITE_SEED, runs: RUNS });
    expect(result.ok, failureMessage(result)).toBe(true);
  });

  if (CHECKS.gradcheck.runsFor(row) && row.edgeCases?.length) {
    it.each(row.edgeCases.map((s, i) => [fc.stringify(s), s, i] as const))('gradient check on edge case %s', (_, sample, i) => {
      const result = gradcheck(row, row.reference, sample, SUITE_SEED + i);
      expect(result.ok, describeGradcheck(result)).toBe(true);
    });
  }
});
