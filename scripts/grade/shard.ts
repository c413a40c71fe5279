import { InvalidArgumentError } from 'commander';
import type { GradeResult } from './grade';

/**
 * Scale-out: `grade <folder> --batch --shard i/n --record shard-i.json` grades share i of n of a
 * class, and `gradcheck merge` joins the n records into the reports of one run (scripts/grade/merge.ts).
 * A share is fixed by the sorted list of submissions alone: submission k (0-based, in the order of
 * `batchEntries`) belongs to shard k mod n, so every machine of a fleet agrees on it without talking
 * to the others, and the shares differ in size by at most one.
 */
export interface Shard {
  index: number;
  count: number;
}

/** The whole batch as one shard: what a run without --shard records. */
export const WHOLE: Shard = { index: 0, count: 1 };

/** Parses `--shard i/n` (0 ≤ i < n); a bad value is an error naming --shard, the expected form and the value given. */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new InvalidArgumentError(`--shard must be i/n with n ≥ 1 and 0 ≤ i < n (e.g. 0/4 … 3/4), got "${value}"`);
  }
  return { index, count };
}

/** The positions, in the sorted batch of `total` submissions, of this shard's submissions (ascending). */
export const shareOf = (total: number, shard: Shard): number[] => [...Array(total).keys()].filter((k) => k % shard.count === shard.index);

export const shardName = (s: Shard): string => `${s.index}/${s.count}`;

/** What `grade --record` writes: the shard, the whole batch it was cut from (sorted), and its results. */
export interface ShardRecord {
  readonly format: typeof RECORD_FORMAT;
  readonly shard: Shard;
  readonly batch: readonly string[];
  readonly results: readonly GradeResult[];
}

export const RECORD_FORMAT = 'gradcheck-shard/1';

export const recordJson = (shard: Shard, batch: readonly string[], results: readonly GradeResult[]): string =>
  `${JSON.stringify({ format: RECORD_FORMAT, shard, batch, results } satisfies ShardRecord)}\n`;
