import { caseFilesIn, ORACLE_FIXTURES, REFERENCE_FIXTURES } from '../spec/fixtures';
import { COLUMNS, differentiableInputs, type Column, type OpRow } from '../spec/op';
import { join } from 'node:path';

/** One row of `gradcheck ops`: which checks exist for an op, and why a column is empty on purpose. */
export type CoverageRow = { op: string; section: string } & Record<Column, boolean> & { reason?: string };

export function coverage(rows: readonly OpRow[]): CoverageRow[] {
  return rows.map((row) => {
    const has: Record<Column, boolean> = {
      ref_fwd: true,
      ref_bwd: !!row.reference.backward,
      gradcheck: !!row.reference.backward && differentiableInputs(row).length > 0,
      twin_fwd: !!row.twin,
      twin_bwd: !!row.twin?.backward,
      property: !!row.twin,
      fixture: caseFilesIn(join(REFERENCE_FIXTURES, row.id)).length > 0,
      oracle: caseFilesIn(join(ORACLE_FIXTURES, row.id)).length > 0,
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
