import { describe, expect, it } from 'vitest';
import { coverage, type CoverageRow } from '../scripts/coverage';
import { runs } from './harness/checks';
import { COLUMNS, type Column, type OpRow } from './harness/op';
import { findRow, TABLE } from './harness/table';

const affine = findRow('affine');

/**
 * `gradcheck ops` reports what the tests measure: each column follows the evidence (a check that
 * selects the row, its test file, the case files on disk), so taking the evidence away empties it.
 */
const columns = (row: OpRow): Record<Column, boolean> => {
  const [c] = coverage([row]);
  return Object.fromEntries(COLUMNS.map((k) => [k, c[k as keyof CoverageRow]])) as Record<Column, boolean>;
};

/** An op id with no case files on disk. */
const NO_CASES = 'op_without_case_files';

describe('coverage columns', () => {
  it('affine, with every check, fills every column', () => {
    expect(Object.values(columns(affine)).every(Boolean)).toBe(true);
  });

  it('a row without a twin shows no twin forward, twin backward or property test', () => {
    expect(columns({ ...affine, twin: undefined })).toMatchObject({ twin_fwd: false, twin_bwd: false, property: false, ref_fwd: true });
  });

  it('a row without a backward shows no reference backward, gradient check or twin backward', () => {
    const forwardOnly = { forward: affine.reference.forward };
    expect(columns({ ...affine, reference: forwardOnly })).toMatchObject({ ref_bwd: false, gradcheck: false, twin_bwd: false, ref_fwd: true });
  });

  it('a backward without differentiable inputs is not gradient-checked', () => {
    const inputs = affine.inputs.map((i) => ({ ...i, differentiable: false }));
    expect(columns({ ...affine, inputs })).toMatchObject({ gradcheck: false, ref_bwd: true });
    expect(columns({ ...affine, id: NO_CASES, inputs })).toMatchObject({ gradcheck: false, ref_bwd: false });
  });

  it('a row whose fixture folders are empty shows no fixture or oracle, and its forward rests on the twin alone', () => {
    expect(columns({ ...affine, id: NO_CASES })).toMatchObject({ fixture: false, oracle: false, ref_fwd: true, twin_fwd: true });
    expect(columns({ ...affine, id: NO_CASES, twin: undefined })).toMatchObject({ ref_fwd: false, twin_fwd: false, property: false });
  });

  it('variants count as evidence for the reference forward', () => {
    const row = TABLE.find((r) => r.variants && Object.keys(r.variants).length > 0)!;
    expect(columns({ ...row, id: NO_CASES, twin: undefined })).toMatchObject({ ref_fwd: true });
    expect(columns({ ...row, id: NO_CASES, twin: undefined, variants: undefined })).toMatchObject({ ref_fwd: false });
  });

  it('a check whose test file is missing counts for nothing', () => {
    expect(runs({ file: 'spec/gradients.test.ts', runsFor: () => true }, affine)).toBe(true);
    expect(runs({ file: 'spec/no_such_file.test.ts', runsFor: () => true }, affine)).toBe(false);
  });
});
