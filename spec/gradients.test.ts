import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { variantAgreement } from './harness/agreement';
import { CHECKS } from './harness/checks';
import { describeGradcheck, gradcheck } from './harness/gradcheck';
import { agreementReport, checkProperty, failureMessage, SUITE_SEED } from './harness/properties';
import { TABLE } from './harness/table';

/**
 * Per row: the reference backward (and every variant's) against centered differences, and the
 * variants against the reference, over random kink-free cases; plus every edge case of the row
 * (gradient check) and every edge and kink case (variant agreement).
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

  // Random cases alone let a vectorized softmax_loss computing v + max instead of v − max pass.
  const handPicked = [...(row.edgeCases ?? []), ...(row.kinks?.cases ?? [])];
  if (row.variants && handPicked.length) {
    it.each(handPicked.map((s, i) => [fc.stringify(s), s, i] as const))('every variant agrees with the reference on %s', (_, sample, i) => {
      for (const variant of Object.values(row.variants!)) {
        const a = variantAgreement(row, variant, sample, SUITE_SEED + i);
        expect(a.ok, agreementReport(a)).toBe(true);
      }
    });
  }
});
