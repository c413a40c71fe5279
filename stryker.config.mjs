// @ts-check
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Stryker over reference/: run it through `npm run mutation [files…]` (scripts/mutation/stryker.ts),
 * which mutates one file at a time, scopes the tests to that file's ops and keeps an incremental
 * file per mutated file. The sandboxes live outside the working tree.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'scripts/mutation/vitest.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  incremental: true,
  tempDirName: join(tmpdir(), 'gradcheck-stryker'),
  cleanTempDir: 'always',
  ignorePatterns: ['reports', 'gradcheck-out', '.vitest', 'scripts/oracle'],
  reporters: ['progress'],
  timeoutMS: 10_000,
};
