import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { caseFilesIn, ORACLE_FIXTURES, REFERENCE_FIXTURES, ROOT } from './fixtures';
import { differentiableInputs, type OpRow } from './op';

/**
 * Which checks of the suite run for a row. The test files select their rows with these predicates
 * and `gradcheck ops` (scripts/coverage.ts) reports them, so the table and the tests cannot disagree.
 */
export interface Check {
  /** The test file that runs it, relative to the repository root. */
  readonly file: string;
  runsFor(row: OpRow): boolean;
}

export const oracleCases = (row: OpRow): string[] => caseFilesIn(join(ORACLE_FIXTURES, row.id));
export const referenceFixtures = (row: OpRow): string[] => caseFilesIn(join(REFERENCE_FIXTURES, row.id));

export const CHECKS = {
  /** The reference backward against centered differences, over random cases and the edge cases. */
  gradcheck: { file: 'spec/gradients.test.ts', runsFor: (row) => !!row.reference.backward && differentiableInputs(row).length > 0 },
  /** Naive and vectorized formulations against the reference, over random cases. */
  variants: { file: 'spec/gradients.test.ts', runsFor: (row) => Object.keys(row.variants ?? {}).length > 0 },
  /** The twin against the reference over random cases: forward, and backward where both have one. */
  twinProperty: { file: 'spec/twins.test.ts', runsFor: (row) => !!row.twin },
  /** The reference reproduces the PyTorch oracle cases (and the twin does, given one). */
  oracle: { file: 'spec/casefiles.test.ts', runsFor: (row) => oracleCases(row).length > 0 },
  /** The reference fixtures are fresh, and the twin (given one) reproduces them. */
  fixtures: { file: 'spec/casefiles.test.ts', runsFor: (row) => referenceFixtures(row).length > 0 },
} satisfies Record<string, Check>;

/** Whether a check runs for the row: it selects the row and its test file is there. */
export const runs = (check: Check, row: OpRow): boolean => check.runsFor(row) && existsSync(join(ROOT, check.file));
