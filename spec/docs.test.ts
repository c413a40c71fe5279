import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPS_DOC, opsDocProblems, parseOpsDoc, renderOpsDoc } from '../scripts/docs';
import { findRow, TABLE } from './harness/table';

/**
 * docs/ops.md against the op table (scripts/docs.ts): fresh, every op with a convention, no entry
 * for an op the table lacks; and the check catches each of those when it is not so.
 */
const text = readFileSync(OPS_DOC, 'utf8');
const affine = findRow('affine');

describe('docs/ops.md', () => {
  it('is fresh against the table, with a convention for every op (else: npm run docs, then write the missing conventions)', () => {
    expect(opsDocProblems(TABLE, text)).toEqual([]);
  });

  it('is stale when a row changes (an input added)', () => {
    const table = TABLE.map((row) =>
      row === affine ? { ...row, inputs: [...row.inputs, { name: 'scale', kind: 'float' as const, differentiable: true }] } : row,
    );
    const problems = opsDocProblems(table, text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^docs\/ops\.md is stale from line \d+: expected "- inputs: `x`, `w`, `b`, `scale`", got "- inputs: `x`, `w`, `b`"/);
  });

  it('names a row that has no entry, and a new entry without a convention', () => {
    const table = [...TABLE, { ...affine, id: 'affine_twice' }];
    const missing = 'affine_twice: no convention in docs/ops.md; write its shapes and convention after its generated lines';
    expect(opsDocProblems(table, text)).toContain(missing);
    const regenerated = renderOpsDoc(table, parseOpsDoc(text, table));
    expect(regenerated).toContain('### affine_twice');
    expect(opsDocProblems(table, regenerated)).toEqual([missing]);
  });

  it('names an op whose convention was deleted', () => {
    const convention = parseOpsDoc(text, TABLE).conventions.get('relu');
    expect(convention).toBeTruthy();
    expect(opsDocProblems(TABLE, text.replace(`${convention}\n`, ''))).toContainEqual(expect.stringMatching(/^relu: no convention in docs\/ops\.md/));
  });

  it('names an entry for an op the table lacks, and one written twice', () => {
    const table = TABLE.filter((row) => row !== affine);
    expect(opsDocProblems(table, text)).toContain('affine: an entry in docs/ops.md for an op the table does not have; remove or rename it');
    const twice = text.replace('### relu\n', `### relu\n\nwritten once\n\n### relu\n`);
    expect(opsDocProblems(TABLE, twice)).toContain('relu: two entries in docs/ops.md; keep one');
  });

  it('keeps the hand-written text when it regenerates, and moves an entry with its row', () => {
    const doc = parseOpsDoc(text, TABLE);
    const moved = TABLE.map((row) => (row === affine ? { ...row, section: 'Detection' } : row));
    const regenerated = renderOpsDoc(moved, doc);
    expect(parseOpsDoc(regenerated, moved).conventions).toEqual(doc.conventions);
    const detection = regenerated.slice(regenerated.indexOf('## Detection\n'));
    expect(detection).toContain(`### affine\n`);
    expect(detection).toContain(doc.conventions.get('affine'));
    expect(regenerated.startsWith(`${doc.preamble}\n`)).toBe(true);
    expect(regenerated.trimEnd().endsWith(doc.appendix.at(-1)!)).toBe(true);
  });
});
