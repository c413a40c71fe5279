import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureFiles, REFERENCE_FIXTURES, ROOT, staleFixtures } from './harness/fixtures';
import type { OpRow } from './harness/op';
import { TABLE } from './harness/table';

/** `gradcheck fixtures --check` catches every kind of drift, and regeneration is byte-identical. */
const scratch = mkdtempSync(join(tmpdir(), 'gradcheck-fixtures-'));
const copy = join(scratch, 'fixtures', 'reference');
cpSync(REFERENCE_FIXTURES, copy, { recursive: true });
cpSync(join(REFERENCE_FIXTURES, '..', 'e2e'), join(scratch, 'fixtures', 'e2e'), { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const [first] = TABLE;
const firstFile = [...fixtureFiles(first).keys()][0];

describe('fixtures --check', () => {
  it('passes on an untouched copy', () => {
    expect(staleFixtures(TABLE, undefined, copy)).toEqual([]);
  });

  it('names a hand-edited file and its first differing value', () => {
    const path = join(copy, first.id, firstFile);
    const original = readFileSync(path, 'utf8');
    const edited = original.replace(/"data": \[(-?[\d.]+)/, '"data": [12345.5');
    writeFileSync(path, edited);
    try {
      const problems = staleFixtures(TABLE, undefined, copy);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        new RegExp(`^fixtures/reference/${first.id}/${firstFile}: stale, line \\d+ \\(\\w+\\): committed 12345.5, regenerated -?[\\d.]+`),
      );
    } finally {
      writeFileSync(path, original);
    }
  });

  it('names a stale end-to-end split', () => {
    const path = join(scratch, 'fixtures', 'e2e', 'mnist-split.json');
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, original.replace('"seed": 0', '"seed": 1'));
    try {
      expect(staleFixtures(TABLE, undefined, copy)).toEqual([
        expect.stringMatching(/^fixtures\/e2e\/mnist-split.json: stale, line \d+ \(seed\): committed 1, regenerated 0$/),
      ]);
    } finally {
      writeFileSync(path, original);
    }
  });

  it('names missing and orphaned files', () => {
    const path = join(copy, first.id, firstFile);
    const text = readFileSync(path, 'utf8');
    rmSync(path);
    writeFileSync(join(copy, first.id, 'stray.json'), text);
    try {
      expect(staleFixtures(TABLE, undefined, copy).sort()).toEqual(
        [`fixtures/reference/${first.id}/${firstFile}: missing`, `fixtures/reference/${first.id}/stray.json: orphaned (not produced by the row)`].sort(),
      );
    } finally {
      writeFileSync(path, text);
      rmSync(join(copy, first.id, 'stray.json'));
    }
  });

  it("changing one op's reference output changes exactly that op's fixtures", () => {
    const row = TABLE.find((r) => r.id === 'relu')!;
    const shifted: OpRow = {
      ...row,
      reference: {
        ...row.reference,
        forward: (inputs, params) => {
          const { outputs, cache } = row.reference.forward(inputs, params);
          return { outputs: { out: { ...outputs.out, data: outputs.out.data.map((v) => v + 1e-9) } }, cache };
        },
      },
    };
    const problems = staleFixtures(
      TABLE.map((r) => (r === row ? shifted : r)),
      undefined,
      copy,
    );
    expect(problems.length).toBe(fixtureFiles(row).size);
    expect(problems.every((p) => p.startsWith('fixtures/reference/relu/'))).toBe(true);
  });
});

it('regenerates the same bytes from another working directory, time zone and locale', () => {
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'gradcheck.mjs'), 'fixtures', '--check'], {
    cwd: tmpdir(),
    env: { ...process.env, TZ: 'Pacific/Chatham', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' },
    encoding: 'utf8',
  });
  expect(run.stdout + run.stderr).toContain('fixtures are fresh');
  expect(run.status).toBe(0);
});
