import { readFileSync } from 'node:fs';
import { SUITE_SEED } from '../../spec/harness/properties';
import { findRow } from '../../spec/harness/table';
import type { Tolerance } from '../../spec/harness/tolerance';

/**
 * A rubric (JSON file, every field optional):
 *   {
 *     "ops": {"affine": 30, "relu": 10} | ["affine", "relu"],   // points per op, or ops sharing "total" equally
 *     "total": 100,             // with a list of ops, or when "ops" is absent (ops = what the submission exports)
 *     "checks": {"fixtures_forward": 1, "fixtures_backward": 1, "random_forward": 1, "random_backward": 1,
 *                "gradcheck": 1, "errors": 1},                  // weights of the tests within an op
 *     "errors": false | "throws" | "message",   // error inputs: off, must throw, must throw the exact message
 *     "random_cases": 10, "gradcheck_cases": 3, "seed": 20261123,
 *     "timeout_ms": 5000, "memory_mb": 256,
 *     "tolerance": {"atol": 1e-5, "rtol": 1e-4}  // instead of each op's own tolerance
 *   }
 */
export const CHECKS = ['fixtures_forward', 'fixtures_backward', 'random_forward', 'random_backward', 'gradcheck', 'errors'] as const;
export type Check = (typeof CHECKS)[number];

export interface Rubric {
  /** Points per op id; undefined: the ops the submission exports share `total`. */
  ops?: Record<string, number>;
  total: number;
  checks: Record<Check, number>;
  errors: false | 'throws' | 'message';
  randomCases: number;
  gradcheckCases: number;
  seed: number;
  timeoutMs: number;
  memoryMb: number;
  tolerance?: Tolerance;
}

export const DEFAULT_RUBRIC: Rubric = {
  total: 100,
  checks: { fixtures_forward: 1, fixtures_backward: 1, random_forward: 1, random_backward: 1, gradcheck: 1, errors: 1 },
  errors: false,
  randomCases: 10,
  gradcheckCases: 3,
  seed: SUITE_SEED,
  timeoutMs: 5000,
  memoryMb: 256,
};

/** Points per op: explicit, or `total` split equally over `ops`. */
export function opPoints(rubric: Rubric, exported: readonly string[]): Record<string, number> {
  if (rubric.ops) return rubric.ops;
  return Object.fromEntries(exported.map((id) => [id, rubric.total / exported.length]));
}

export function loadRubric(path: string): Rubric {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`rubric ${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseRubric(raw, path);
}

/** Checks every field, naming the one at fault. */
export function parseRubric(raw: unknown, source = 'rubric'): Rubric {
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('expected a JSON object');
  const r = raw as Record<string, unknown>;
  const known = ['ops', 'total', 'checks', 'errors', 'random_cases', 'gradcheck_cases', 'seed', 'timeout_ms', 'memory_mb', 'tolerance'];
  for (const k of Object.keys(r)) if (!known.includes(k)) fail(`unknown field "${k}" (known: ${known.join(', ')})`);
  const num = (k: string, min: number, fallback: number): number => {
    if (r[k] === undefined) return fallback;
    const v = r[k];
    return typeof v === 'number' && Number.isFinite(v) && v >= min ? v : fail(`"${k}" must be a number ≥ ${min}, got ${JSON.stringify(v)}`);
  };
  const rubric: Rubric = {
    total: num('total', 0, DEFAULT_RUBRIC.total),
    checks: { ...DEFAULT_RUBRIC.checks },
    errors: DEFAULT_RUBRIC.errors,
    randomCases: num('random_cases', 0, DEFAULT_RUBRIC.randomCases),
    gradcheckCases: num('gradcheck_cases', 0, DEFAULT_RUBRIC.gradcheckCases),
    seed: num('seed', 0, DEFAULT_RUBRIC.seed),
    timeoutMs: num('timeout_ms', 1, DEFAULT_RUBRIC.timeoutMs),
    memoryMb: num('memory_mb', 16, DEFAULT_RUBRIC.memoryMb),
  };
  if (Array.isArray(r.ops)) {
    const ids = r.ops.map(String);
    ids.forEach(findRow);
    rubric.ops = Object.fromEntries(ids.map((id) => [id, rubric.total / ids.length]));
  } else if (typeof r.ops === 'object' && r.ops !== null) {
    rubric.ops = {};
    for (const [id, points] of Object.entries(r.ops)) {
      findRow(id);
      if (typeof points !== 'number' || !(points >= 0)) fail(`"ops.${id}" must be a number of points ≥ 0`);
      rubric.ops[id] = points as number;
    }
  } else if (r.ops !== undefined) fail('"ops" must be an object of points per op or a list of op ids');
  if (r.checks !== undefined) {
    if (typeof r.checks !== 'object' || r.checks === null) fail('"checks" must be an object of weights');
    for (const [k, w] of Object.entries(r.checks as object)) {
      if (!(CHECKS as readonly string[]).includes(k)) fail(`"checks.${k}" is not a check (checks: ${CHECKS.join(', ')})`);
      if (typeof w !== 'number' || !(w >= 0)) fail(`"checks.${k}" must be a weight ≥ 0`);
      rubric.checks[k as Check] = w as number;
    }
  }
  if (r.errors !== undefined) {
    if (r.errors !== false && r.errors !== 'throws' && r.errors !== 'message') fail('"errors" must be false, "throws" or "message"');
    rubric.errors = r.errors as Rubric['errors'];
  }
  if (r.tolerance !== undefined) {
    const t = r.tolerance as Record<string, unknown>;
    if (typeof t?.atol !== 'number' || typeof t?.rtol !== 'number') fail('"tolerance" must be {"atol": number, "rtol": number}');
    rubric.tolerance = { atol: t.atol as number, rtol: t.rtol as number };
  }
  return rubric;
}

/** The rubric as its JSON file (what `assignment` writes). */
export function rubricJson(rubric: Rubric): string {
  const out = {
    ops: rubric.ops,
    checks: rubric.checks,
    errors: rubric.errors,
    random_cases: rubric.randomCases,
    gradcheck_cases: rubric.gradcheckCases,
    seed: rubric.seed,
    timeout_ms: rubric.timeoutMs,
    memory_mb: rubric.memoryMb,
    tolerance: rubric.tolerance,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
