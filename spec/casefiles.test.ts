import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseGpu } from '../accelerated/device';
import { checkCaseReference, checkCaseTwin, parseCase } from './casefile';
import { caseFilesIn, ORACLE_FIXTURES, REFERENCE_FIXTURES, ROOT, staleFixtures } from './fixtures';
import { agreementReport } from './properties';
import { findRow, TABLE } from './table';

/**
 * Every committed case file, PyTorch oracle and reference fixture alike, evaluated by the reference
 * (1e-10 relative) and by the twin (row tolerance); and the reference fixtures are fresh.
 */
afterAll(releaseGpu);

const files = [ORACLE_FIXTURES, REFERENCE_FIXTURES].flatMap((root) =>
  TABLE.flatMap((row) => caseFilesIn(join(root, row.id)).map((f) => join(root, row.id, f))),
);

describe.each(files.map((f) => [relative(ROOT, f), f] as const))('%s', (_, file) => {
  const c = parseCase(readFileSync(file, 'utf8'), file);
  const row = findRow(c.op);

  it('reference reproduces it', () => {
    const a = checkCaseReference(row, c);
    expect(a.ok, agreementReport(a)).toBe(true);
  });

  if (row.twin) {
    it('twin reproduces it', async () => {
      const a = await checkCaseTwin(row, c);
      expect(a.ok, agreementReport(a)).toBe(true);
    });
  }
});

it('every op has PyTorch oracle cases', () => {
  const missing = TABLE.filter((row) => !row.reasons?.oracle && caseFilesIn(join(ORACLE_FIXTURES, row.id)).length === 0);
  expect(missing.map((r) => r.id)).toEqual([]);
});

it('the reference fixtures are fresh (npx gradcheck fixtures --check)', () => {
  expect(staleFixtures(TABLE)).toEqual([]);
});
