import { CHECKS, runs } from '../spec/harness/checks';
import { COLUMNS, type Column, type OpRow } from '../spec/harness/op';

/**
 * One row of `gradcheck ops`: which parts of an op a test that runs holds to something
 * independent (spec/harness/checks.ts), and why a column is empty on purpose.
 */
export type CoverageRow = { op: string; section: string } & Record<Column, boolean> & { reason?: string };

export function coverage(rows: readonly OpRow[]): CoverageRow[] {
  return rows.map((row) => {
    const gradcheck = runs(CHECKS.gradcheck, row);
    const variants = runs(CHECKS.variants, row);
    const property = runs(CHECKS.twinProperty, row);
    const oracle = runs(CHECKS.oracle, row);
    const fixture = runs(CHECKS.fixtures, row);
    // The twin's results compared with the reference's: random cases or case files.
    const twinCompared = property || oracle || fixture;
    const has: Record<Column, boolean> = {
      // The forward compared with another implementation: PyTorch, a variant, or the twin.
      ref_fwd: oracle || variants || property,
      ref_bwd: !!row.reference.backward && (gradcheck || oracle),
      gradcheck,
      twin_fwd: !!row.twin && twinCompared,
      twin_bwd: !!row.twin?.backward && !!row.reference.backward && twinCompared,
      property,
      fixture,
      oracle,
    };
    const reasons = COLUMNS.filter((c) => !has[c] && row.reasons?.[c]).map((c) => `${c}: ${row.reasons![c]}`);
    return { op: row.id, section: row.section, ...has, ...(reasons.length ? { reason: reasons.join('; ') } : {}) };
  });
}

export function formatCoverage(rows: readonly CoverageRow[]): string {
  const width = Math.max(2, ...rows.map((r) => r.op.length));
  const header = `${'op'.padEnd(width)}  ${COLUMNS.join('  ')}`;
  const lines = rows.map((r) => {
    const cells = COLUMNS.map((c) => (r[c] ? '✓' : r.reason?.includes(`${c}:`) ? '–' : '✗').padEnd(c.length)).join('  ');
    return `${r.op.padEnd(width)}  ${cells}${r.reason ? `  (${r.reason})` : ''}`;
  });
  const missing = rows.reduce((n, r) => n + COLUMNS.filter((c) => !r[c] && !r.reason?.includes(`${c}:`)).length, 0);
  return [header, ...lines, '', `${rows.length} ops; ✓ present, – empty on purpose (reason given), ✗ missing: ${missing}`].join('\n');
}
