import { beforeEach } from 'vitest';
import { inScope, scopeFromEnv } from './scope';

/**
 * Vitest setup file of the mutation runs: in the table-driven test files, skips every test outside
 * the scope in the environment. Other test files a run names (a kernel module's own tests) run whole.
 */
const TABLE_DRIVEN = /(?:^|\/)spec\/(?:gradients|errors|casefiles|twins)\.test\.ts$/;
const scope = scopeFromEnv(process.env);
if (scope) {
  beforeEach(({ task, skip }) => {
    if (TABLE_DRIVEN.test(task.file.name) && !inScope(task.fullTestName, scope.ops, scope.side)) skip();
  });
}
