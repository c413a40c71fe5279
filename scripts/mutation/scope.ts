/**
 * Which tests a mutation run needs: those of the ops under mutation, on one side (the reference or
 * the twin). The table-driven test files name each per-row test after its row (`affine > reference
 * rejects …`) or its case file (`fixtures/oracle/affine/matrix.json > twin reproduces it`); tests
 * of other rows are left out, tests of no row (e.g. the fixtures freshness check) are kept.
 */
export type Side = 'reference' | 'twin';

/** Environment variables through which the mutation commands pass the scope to vitest. */
export const SCOPE_ENV = { ops: 'GRADCHECK_MUTATION_OPS', side: 'GRADCHECK_MUTATION_SIDE', tests: 'GRADCHECK_MUTATION_TESTS' } as const;

const ROW_ID = /^[a-z][a-z0-9_]*$/;
const CASE_FILE = /^fixtures\/(?:oracle|reference)\/([a-z0-9_]+)\//;

/** The op a test belongs to, from the first part of its full name; undefined for tests of no row. */
function testOp(fullTestName: string): string | undefined {
  const top = fullTestName.split(' > ')[0];
  return ROW_ID.test(top) ? top : CASE_FILE.exec(top)?.[1];
}

export function inScope(fullTestName: string, ops: readonly string[], side: Side): boolean {
  const op = testOp(fullTestName);
  if (op !== undefined && !ops.includes(op)) return false;
  const twinTest = /\btwin\b/.test(fullTestName);
  return side === 'twin' ? twinTest : !twinTest;
}

/** The scope a mutation command put in the environment. */
export function scopeFromEnv(env: NodeJS.ProcessEnv): { ops: string[]; side: Side } | undefined {
  const ops = env[SCOPE_ENV.ops]?.split(',').filter(Boolean);
  if (!ops?.length) return undefined;
  return { ops, side: env[SCOPE_ENV.side] === 'twin' ? 'twin' : 'reference' };
}
