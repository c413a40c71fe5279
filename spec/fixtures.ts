import fc from 'fast-check';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCase, serializeCase } from './casefile';
import type { OpRow } from './op';

/**
 * Fixture layout: fixtures/reference/<op>/<case>.json are regenerated from the reference by
 * `gradcheck fixtures`; fixtures/oracle/<op>/<case>.json come from PyTorch (scripts/oracle).
 */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REFERENCE_FIXTURES = join(ROOT, 'fixtures', 'reference');
export const ORACLE_FIXTURES = join(ROOT, 'fixtures', 'oracle');

/** Seed of every fixture: samples, values and upstream gradients. Changing it rewrites them all. */
const FIXTURE_SEED = 20240101;

/** Case files of one row: two typical (small) cases, one larger case, and the row's edge cases. */
export function fixtureFiles(row: OpRow): Map<string, string> {
  const small = fc.sample(row.gradSample ?? row.sample, { seed: FIXTURE_SEED, numRuns: 2 });
  const [large] = fc.sample(row.sample, { seed: FIXTURE_SEED + 1, numRuns: 1 });
  const named: Array<[string, (typeof small)[number]]> = [
    ...small.map((s, i) => [`typical-${i + 1}`, s] as [string, typeof s]),
    ['larger', large],
    ...(row.edgeCases ?? []).map((s, i) => [`edge-${i + 1}`, s] as [string, typeof s]),
  ];
  return new Map(named.map(([name, sample], i) => [`${name}.json`, serializeCase(makeCase(row, sample, FIXTURE_SEED + i))]));
}

export const caseFilesIn = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];

/** Writes every row's fixtures and removes files no row produces. Returns the files written. */
export function writeFixtures(rows: readonly OpRow[], onRow: (row: OpRow) => void = () => {}, root = REFERENCE_FIXTURES): number {
  let written = 0;
  const ids = new Set(rows.map((r) => r.id));
  for (const dir of existsSync(root) ? readdirSync(root) : []) {
    if (!ids.has(dir)) rmSync(join(root, dir), { recursive: true });
  }
  for (const row of rows) {
    const dir = join(root, row.id);
    const files = fixtureFiles(row);
    mkdirSync(dir, { recursive: true });
    for (const f of caseFilesIn(dir)) if (!files.has(f)) rmSync(join(dir, f));
    for (const [name, text] of files) {
      writeFileSync(join(dir, name), text);
      written++;
    }
    onRow(row);
  }
  return written;
}

/** Everything that differs between the committed fixtures and a fresh regeneration, one line each. */
export function staleFixtures(rows: readonly OpRow[], onRow: (row: OpRow) => void = () => {}, root = REFERENCE_FIXTURES): string[] {
  const problems: string[] = [];
  const ids = new Set(rows.map((r) => r.id));
  const rel = (p: string) => relative(dirname(dirname(root)), p); // fixtures/reference/<op>/<case>.json
  for (const dir of existsSync(root) ? readdirSync(root) : []) {
    if (!ids.has(dir)) problems.push(`${rel(join(root, dir))}: orphaned (no op "${dir}" in the table)`);
  }
  for (const row of rows) {
    const dir = join(root, row.id);
    const files = fixtureFiles(row);
    for (const f of caseFilesIn(dir)) if (!files.has(f)) problems.push(`${rel(join(dir, f))}: orphaned (not produced by the row)`);
    for (const [name, text] of files) {
      const path = join(dir, name);
      if (!existsSync(path)) problems.push(`${rel(path)}: missing`);
      else {
        const committed = readFileSync(path, 'utf8');
        if (committed !== text) problems.push(`${rel(path)}: stale, ${firstDifference(committed, text)}`);
      }
    }
    onRow(row);
  }
  return problems;
}

/** Where two case-file texts first differ, as "line L: committed … regenerated …". */
function firstDifference(committed: string, fresh: string): string {
  const a = committed.split('\n');
  const b = fresh.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      const tokenA = (a[i] ?? '').split(/[\s,[\]{}]+/);
      const tokenB = (b[i] ?? '').split(/[\s,[\]{}]+/);
      const k = tokenA.findIndex((t, j) => t !== tokenB[j]);
      const where = (a[i] ?? b[i] ?? '').trim().match(/^"([^"]+)"/)?.[1];
      return `line ${i + 1}${where ? ` (${where})` : ''}: committed ${tokenA[k] ?? '(end)'}, regenerated ${tokenB[k] ?? '(end)'}`;
    }
  }
  return 'differs';
}
