import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GradeResult } from '../scripts/grade/grade';
import { mergeRecords, readRecord, type SourcedRecord } from '../scripts/grade/merge';
import { parseShard, RECORD_FORMAT, shareOf, type Shard, type ShardRecord } from '../scripts/grade/shard';
import { gradcheck } from './harness/cli';
import { parseGradeCommands as run } from './harness/grade_commands';

/**
 * Scale-out: `grade --batch --shard i/n --record file` on n machines, then `gradcheck merge`, gives
 * the reports of one run over the whole batch; bad shards and bad sets of records are refused.
 */
const gallery = (name: string) => join(__dirname, 'gallery', `${name}.ts`);
const work = mkdtempSync(join(tmpdir(), 'gradcheck-shard-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('--shard i/n', () => {
  it('parses i/n with 0 ≤ i < n', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
  });

  it.each(['3/3', '1/0', '0/0', '-1/3', '1', '1/2/3', 'a/b', '1.5/3', ''])('refuses "%s", naming --shard, the expected form and the value', (value) => {
    expect(() => parseShard(value)).toThrow(`--shard must be i/n with n ≥ 1 and 0 ≤ i < n (e.g. 0/4 … 3/4), got "${value}"`);
  });

  it('gives every submission to exactly one shard, shares differing in size by at most one', () => {
    for (let total = 0; total <= 12; total++) {
      for (let count = 1; count <= 5; count++) {
        const shares = [...Array(count).keys()].map((index) => shareOf(total, { index, count }));
        expect(shares.flat().sort((a, b) => a - b)).toEqual([...Array(total).keys()]);
        const sizes = shares.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });
});

/** A record as `grade --record` writes it, for a batch of named submissions. */
function fakeRecord(source: string, batch: string[], shard: Shard, results = shareOf(batch.length, shard).map((k) => fakeResult(batch[k]))): SourcedRecord {
  const record: ShardRecord = { format: RECORD_FORMAT, shard, batch, results };
  return { source, record };
}
const fakeResult = (submission: string): GradeResult => ({ submission, score: 1, maxScore: 2, seconds: 0.5, tests: [] });

describe('mergeRecords', () => {
  const batch = ['a', 'b', 'c', 'd', 'e'];
  const shard = (index: number, count = 3) => fakeRecord(`s${index}.json`, batch, { index, count });

  it('puts the results back in the order of the batch, whatever the order of the records', () => {
    const merged = mergeRecords([shard(2), shard(0), shard(1)]);
    expect(merged.results.map((r) => r.submission)).toEqual(batch);
  });

  it('refuses a shard given twice (overlapping)', () => {
    expect(() => mergeRecords([shard(0), shard(1), shard(2), { ...shard(1), source: 'again.json' }])).toThrow(
      'overlapping shards: s1.json and again.json are both shard 1/3',
    );
  });

  it('refuses a missing shard, naming it and the ones given', () => {
    expect(() => mergeRecords([shard(0), shard(2)])).toThrow('missing shard 1/3 (given: 0/3, 2/3)');
    expect(() => mergeRecords([])).toThrow('merge needs the record of every shard, got none');
  });

  it('refuses shards of different splits or different batches', () => {
    expect(() => mergeRecords([shard(0), shard(1, 2)])).toThrow('s1.json is shard 1/2 and s0.json is shard 0/3: shards of one split only (the same n)');
    const other = fakeRecord('other.json', ['a', 'b', 'c', 'd'], { index: 1, count: 3 });
    expect(() => mergeRecords([shard(0), other, shard(2)])).toThrow('other.json and s0.json were cut from different batches (4 and 5 submissions)');
  });

  it('refuses a record that does not hold exactly its share', () => {
    const short = fakeRecord('short.json', batch, { index: 1, count: 3 }, [fakeResult('b')]);
    expect(() => mergeRecords([shard(0), short, shard(2)])).toThrow("short.json does not hold exactly shard 1/3's submissions: 1 results, expected 2");
    const swapped = fakeRecord('swapped.json', batch, { index: 1, count: 3 }, [fakeResult('e'), fakeResult('b')]);
    expect(() => mergeRecords([shard(0), swapped, shard(2)])).toThrow('result 0 is "e", expected "b"');
  });

  it('refuses a file that is no record, naming the field', () => {
    const file = join(work, 'not-a-record.json');
    writeFileSync(file, JSON.stringify({ format: RECORD_FORMAT, shard: { index: 0, count: 1 }, batch: ['a'], results: [{ submission: 'a', score: '1' }] }));
    expect(() => readRecord(file)).toThrow(`${file}: "results[0]".score must be a number, got "1"`);
    writeFileSync(file, '{"grades": []}');
    expect(() => readRecord(file)).toThrow(`${file}: "format" must be "${RECORD_FORMAT}"`);
  });
});

/** The timings, which differ between any two runs, replaced by T: the rest must be identical byte for byte. */
const TIMINGS: Array<[RegExp, string]> = [
  [/"execution_time": [\d.]+/g, '"execution_time": T'], // Gradescope JSON
  [/ time="[\d.]+"/g, ' time="T"'], // JUnit
  [/,[\d.]+$/gm, ',T'], // CSV: the last column, seconds
];
const untimed = (text: string) => TIMINGS.reduce((t, [re, to]) => t.replace(re, to), text);

/** Every file under `dir`, by relative path. */
function tree(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const path = join(e.parentPath, e.name);
        return [path.slice(dir.length + 1), readFileSync(path, 'utf8')];
      }),
  );
}

describe('n shards merged are one run', () => {
  const batch = join(work, 'class');
  const rubric = join(work, 'rubric.json');
  const records = [0, 1].map((i) => join(work, 'records', `${i}.json`));

  beforeAll(() => {
    // Five submissions: a folder, full marks, a load failure (imports a file beside it), zeros, and
    // "x y.ts" and "x_y.ts", whose report names meet (x_y.ts, x_y.ts-2) though shards 1 and 0 grade them apart.
    mkdirSync(join(batch, 'ann'), { recursive: true });
    copyFileSync(gallery('correct'), join(batch, 'ann', 'main.ts'));
    copyFileSync(gallery('correct'), join(batch, 'correct.ts'));
    copyFileSync(gallery('nan'), join(batch, 'nan.ts'));
    copyFileSync(gallery('zeros'), join(batch, 'x y.ts'));
    copyFileSync(gallery('throws'), join(batch, 'x_y.ts'));
    writeFileSync(rubric, JSON.stringify({ ops: { affine: 60, relu: 40 }, random_cases: 1, gradcheck_cases: 1 }));
    const one = gradcheck(
      [
        'grade',
        batch,
        '--batch',
        '--rubric',
        rubric,
        '--json',
        join(work, 'one', 'json'),
        '--junit',
        join(work, 'one', 'junit.xml'),
        '--csv',
        join(work, 'one', 'grades.csv'),
      ],
      {},
      180_000,
    );
    expect(one.status, one.all).toBe(0);
    records.forEach((record, i) => {
      const shard = gradcheck(
        [
          'grade',
          batch,
          '--batch',
          '--rubric',
          rubric,
          '--shard',
          `${i}/2`,
          '--record',
          record,
          '--json',
          join(work, 'shards', 'json'),
          '--csv',
          join(work, 'shards', `${i}.csv`),
        ],
        {},
        120_000,
      );
      expect(shard.status, shard.all).toBe(0);
    });
    const merged = gradcheck([
      'merge',
      records[1],
      records[0],
      '--json',
      join(work, 'merged', 'json'),
      '--junit',
      join(work, 'merged', 'junit.xml'),
      '--csv',
      join(work, 'merged', 'grades.csv'),
    ]);
    expect(merged.status, merged.all).toBe(0);
    expect(merged.stdout).toContain('merged 2 shards: 5 submissions');
  }, 300_000);

  it('writes the same reports, byte for byte but the timings, as one run', () => {
    const one = tree(join(work, 'one'));
    const merged = tree(join(work, 'merged'));
    expect([...merged.keys()].sort()).toEqual([...one.keys()].sort());
    expect([...one.keys()]).toContain(join('json', 'x_y.ts-2.json'));
    for (const [path, text] of one) expect(untimed(merged.get(path)!), path).toBe(untimed(text));
    // The timings are masked, not missing: one per submission in each report.
    expect(untimed(one.get('grades.csv')!).match(/,T$/gm)).toHaveLength(5);
    expect(untimed(one.get('junit.xml')!).match(/<testsuite [^>]*time="T"/g)).toHaveLength(5);
  });

  it("keeps each submission's own time, from its shard", () => {
    const csv = readFileSync(join(work, 'merged', 'grades.csv'), 'utf8');
    for (const { record } of records.map(readRecord)) {
      for (const r of record.results) expect(csv).toContain(`,${r.seconds.toFixed(2)}\n`);
    }
  });

  it("names the shards' JSON reports as one run does, so shards writing into one folder overwrite nothing", () => {
    const one = tree(join(work, 'one', 'json'));
    const shards = tree(join(work, 'shards', 'json'));
    expect([...shards.keys()].sort()).toEqual([...one.keys()].sort());
    for (const [path, text] of one) expect(untimed(shards.get(path)!), path).toBe(untimed(text));
  });

  it('refuses overlapping and missing shards on the command line, with the reason', async () => {
    await expect(run(['merge', records[0], records[1], records[1], '--csv', join(work, 'x.csv')])).rejects.toThrow(
      `overlapping shards: ${records[1]} and ${records[1]} are both shard 1/2`,
    );
    await expect(run(['merge', records[1], '--csv', join(work, 'x.csv')])).rejects.toThrow('missing shard 0/2 (given: 1/2)');
    expect(readdirSync(work)).not.toContain('x.csv');
  });

  it('refuses a bad --shard, and --shard without --batch or --record, before grading anything', async () => {
    await expect(run(['grade', batch, '--batch', '--shard', '3/3', '--record', join(work, 'r.json')])).rejects.toThrow(
      '--shard must be i/n with n ≥ 1 and 0 ≤ i < n (e.g. 0/4 … 3/4), got "3/3"',
    );
    await expect(run(['grade', batch, '--batch', '--shard', '1/3'])).rejects.toThrow("--shard 1/3 needs --record <file>: the shard's results");
    await expect(run(['grade', gallery('correct'), '--shard', '0/2', '--record', join(work, 'r.json')])).rejects.toThrow('--shard splits a batch: add --batch');
    expect(readdirSync(work)).not.toContain('r.json');
  });
});
