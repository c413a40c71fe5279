import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the mutation commands write: git-ignored. */
export const REPORTS = 'reports/mutation';

/**
 * Outcome counts of one file's mutants, as Stryker counts them: a timeout counts as killed (the
 * mutant made a test hang), and mutants that do not compile or crash the runner are left out.
 */
export interface Tally {
  killed: number;
  survived: number;
  /** killed + survived: the mutants that count. */
  valid: number;
  invalid: number;
}

export type Status = 'Killed' | 'Timeout' | 'Survived' | 'NoCoverage' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';

export function tally(statuses: readonly Status[]): Tally {
  const count = (...s: Status[]) => statuses.filter((x) => s.includes(x)).length;
  const killed = count('Killed', 'Timeout');
  const survived = count('Survived', 'NoCoverage');
  return { killed, survived, valid: killed + survived, invalid: count('CompileError', 'RuntimeError') };
}

/** Mutation score: the share of valid mutants killed. */
export const score = (t: Tally): string => (t.valid ? `${((100 * t.killed) / t.valid).toFixed(1)}%` : 'no mutants');

/** Keeps the latest result per mutated file in `<REPORTS>/<name>.json`, for the README table. */
export function updateScores(name: string, file: string, entry: Tally & Record<string, unknown>): void {
  const path = join(REPORTS, `${name}.json`);
  const scores = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  scores[file] = { ...entry, score: score(entry), date: new Date().toISOString() };
  writeFileSync(path, `${JSON.stringify(scores, null, 2)}\n`);
}
