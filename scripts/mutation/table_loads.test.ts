import { expect, it } from 'vitest';

/**
 * Mutation runs only (scripts/mutation/vitest.config.ts). Rows build their cases when the table
 * loads, calling reference ops; a mutant that makes that throw leaves every table-driven test file
 * uncollected, which Stryker's vitest runner counts as a survivor. Loading the table inside a
 * test turns that into a failing test: the mutant is killed.
 */
it('the op table loads', async () => {
  const { TABLE } = await import('../../spec/harness/table');
  expect(TABLE.length).toBeGreaterThan(0);
});
