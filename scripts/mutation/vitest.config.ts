import { defineConfig } from 'vitest/config';
import { SCOPE_ENV } from './scope';

/**
 * Vitest for the mutation runs: the table-driven test files and the mutation kills, each test
 * skipped unless it is in the scope the mutation command sets (scripts/mutation/scope.ts), plus
 * the test files the command names.
 */
export default defineConfig({
  test: {
    include: [
      'scripts/mutation/table_loads.test.ts',
      'spec/gradients.test.ts',
      'spec/errors.test.ts',
      'spec/casefiles.test.ts',
      'spec/twins.test.ts',
      // Test files a WGSL mutation run adds (a kernel module's own tests).
      ...(process.env[SCOPE_ENV.tests]?.split(',').filter(Boolean) ?? []),
    ],
    setupFiles: ['scripts/mutation/setup.ts'],
    pool: 'forks',
    testTimeout: 120_000,
  },
});
