import { readFileSync } from 'node:fs';
import type { GradeResult } from './grade';
import { RECORD_FORMAT, shareOf, shardName, type ShardRecord } from './shard';

/**
 * `gradcheck merge`: the records that `grade --batch --shard i/n --record file` wrote on n machines,
 * joined into the results of one run over the whole batch (same order, same content), from which
 * the same report writers as `grade` make the JSON, JUnit and CSV reports.
 */

/** A record and the file it came from, which every refusal names. */
export interface SourcedRecord {
  source: string;
  record: ShardRecord;
}

export function readRecord(path: string): SourcedRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not a shard record (${(e as Error).message})`, { cause: e });
  }
  return { source: path, record: checkRecord(raw, path) };
}

/** The record's fields, each checked; an error names the file, the field, what was expected and what was found. */
function checkRecord(raw: unknown, source: string): ShardRecord {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new Error(`${source}: ${field} must be ${expected}, got ${JSON.stringify(got)?.slice(0, 80)}`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(raw)) return fail('a shard record', `an object written by \`grade --record\``, raw);
  if (raw.format !== RECORD_FORMAT) fail('"format"', `"${RECORD_FORMAT}" (a record written by \`grade --record\`)`, raw.format);
  const { shard, batch, results } = raw;
  const count = isObject(shard) ? shard.count : undefined;
  const index = isObject(shard) ? shard.index : undefined;
  if (!Number.isSafeInteger(count) || (count as number) < 1) fail('"shard.count"', 'an integer ≥ 1', count);
  if (!Number.isSafeInteger(index) || (index as number) < 0 || (index as number) >= (count as number))
    fail('"shard.index"', `an integer in [0, ${count})`, index);
  if (!Array.isArray(batch) || !batch.every((s) => typeof s === 'string')) fail('"batch"', 'a list of submission paths', batch);
  if (!Array.isArray(results)) return fail('"results"', 'a list of graded submissions', results);
  results.forEach((r: unknown, i) => {
    const at = `"results[${i}]"`;
    if (!isObject(r) || typeof r.submission !== 'string') return fail(`${at}.submission`, 'a path', isObject(r) ? r.submission : r);
    for (const k of ['score', 'maxScore', 'seconds']) if (typeof r[k] !== 'number') fail(`${at}.${k}`, 'a number', r[k]);
    if (!Array.isArray(r.tests)) return fail(`${at}.tests`, 'a list of tests', r.tests);
    r.tests.forEach((t: unknown, j) => {
      const test = isObject(t) ? t : fail(`${at}.tests[${j}]`, 'a test', t);
      for (const k of ['name', 'op', 'check', 'output']) if (typeof test[k] !== 'string') fail(`${at}.tests[${j}].${k}`, 'a string', test[k]);
      for (const k of ['score', 'maxScore', 'passed', 'total']) if (typeof test[k] !== 'number') fail(`${at}.tests[${j}].${k}`, 'a number', test[k]);
    });
  });
  return raw as unknown as ShardRecord;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The results of the whole batch, in the order of one run. Refused, with the reason: no records,
 * records of different batches or of splits into different numbers of shards, a shard given twice
 * (overlapping), a shard missing, or a record whose results are not exactly its share of the batch.
 */
export function mergeRecords(records: readonly SourcedRecord[]): { batch: readonly string[]; results: GradeResult[] } {
  if (records.length === 0) throw new Error('merge needs the record of every shard, got none');
  const [first] = records;
  const { count } = first.record.shard;
  const { batch } = first.record;
  const byIndex = new Map<number, SourcedRecord>();
  for (const r of records) {
    const { shard } = r.record;
    if (shard.count !== count) {
      throw new Error(
        `${r.source} is shard ${shardName(shard)} and ${first.source} is shard ${shardName(first.record.shard)}: shards of one split only (the same n)`,
      );
    }
    if (!sameList(r.record.batch, batch)) {
      throw new Error(
        `${r.source} and ${first.source} were cut from different batches (${r.record.batch.length} and ${batch.length} submissions): shards of one run only`,
      );
    }
    const earlier = byIndex.get(shard.index);
    if (earlier) throw new Error(`overlapping shards: ${earlier.source} and ${r.source} are both shard ${shardName(shard)}`);
    byIndex.set(shard.index, r);
  }
  const missing = [...Array(count).keys()].filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const have = [...byIndex.keys()].sort((a, b) => a - b).map((i) => `${i}/${count}`);
    throw new Error(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} (given: ${have.join(', ')})`);
  }
  const byPosition: GradeResult[] = [];
  for (const { source, record } of byIndex.values()) {
    const positions = shareOf(batch.length, record.shard);
    const expected = positions.map((k) => batch[k]);
    const got = record.results.map((r) => r.submission);
    if (!sameList(got, expected)) {
      const k = got.findIndex((s, i) => s !== expected[i]);
      const where =
        k >= 0 ? `result ${k} is ${JSON.stringify(got[k])}, expected ${JSON.stringify(expected[k])}` : `${got.length} results, expected ${expected.length}`;
      throw new Error(`${source} does not hold exactly shard ${shardName(record.shard)}'s submissions: ${where}`);
    }
    positions.forEach((k, i) => (byPosition[k] = record.results[i]));
  }
  return { batch, results: byPosition };
}
