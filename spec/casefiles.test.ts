import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseGpu } from '../accelerated/runtime/device';
import { checkCaseReference, checkCaseTwin, parseCase } from './harness/casefile';
import { CHECKS, oracleCases, referenceFixtures } from './harness/checks';
import { ORACLE_FIXTURES, REFERENCE_FIXTURES, ROOT, staleFixtures } from './harness/fixtures';
import { agreementReport } from './harness/properties';
import { findRow, TABLE } from './harness/table';

/**
 * Every committed case file evaluated by the twin (row tolerance); the PyTorch oracle cases also by
 * the reference (1e-10 relative), independent evidence of its correctness. The reference fixtures
 * are the reference's own output: their freshness check (regenerated and compared byte for byte)
 * is the reference's test on them, so they are not re-evaluated by it.
 */
afterAll(releaseGpu);

const files = [
  ...TABLE.flatMap((row) => oracleCases(row).map((f) => ({ root: ORACLE_FIXTURES, path: join(ORACLE_FIXTURES, row.id, f) }))),
  // A reference fixture has a test here only through the twin.
  ...TABLE.filter((row) => row.twin).flatMap((row) =>
    referenceFixtures(row).map((f) => ({ root: REFERENCE_FIXTURES, path: join(REFERENCE_FIXTURES, row.id, f) })),
  ),
];

describe.each(files.map((f) => [relative(ROOT, f.path), f] as const))('%s', (_, { root, path: file }) => {
  const c = parseCase(readFileSync(file, 'utf8'), file);
  const row = findRow(c.op);

  if (root === ORACLE_FIXTURES) {
    it('reference reproduces it', () => {
      const a = checkCaseReference(row, c);
      expect(a.ok, agreementReport(a)).toBe(true);
    });
  }

  if (row.twin) {
    it('twin reproduces it', async () => {
      const a = await checkCaseTwin(row, c);
      expect(a.ok, agreementReport(a)).toBe(true);
    });
  }
});

it('every op has PyTorch oracle cases', () => {
  const missing = TABLE.filter((row) => !row.reasons?.oracle && !CHECKS.oracle.runsFor(row));
  expect(missing.map((r) => r.id)).toEqual([]);
});

it('the reference fixtures are fresh (npx gradcheck fixtures --check)', () => {
  expect(staleFixtures(TABLE)).toEqual([]);
});
