import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseGpu } from '../accelerated/runtime/device';
import { referenceRun } from './harness/agreement';
import { CHECKS } from './harness/checks';
import { checkProperty, failureMessage, SUITE_SEED } from './harness/properties';
import { TABLE } from './harness/table';
import { runTwin } from './harness/twin';

/** Per row with a twin: forward and backward on the WebGPU device against the float64 reference. */
const RUNS = 25;
/** Cases per row on which the twin's device memory is counted. */
const LEAK_RUNS = 3;

afterAll(releaseGpu);

describe.each(TABLE.filter(CHECKS.twinProperty.runsFor).map((row) => [row.id, row] as const))('%s', (_, row) => {
  it(`twin agrees with the reference over ${RUNS} random cases`, async () => {
    const result = await checkProperty(row, 'webgpu', { seed: SUITE_SEED, runs: RUNS });
    expect(result.ok, failureMessage(result)).toBe(true);
    expect(result.runs).toBe(RUNS);
  });

  it(`twin frees every device buffer it takes, beyond its outputs, grads and cache (${LEAK_RUNS} cases)`, async () => {
    for (const sample of fc.sample(row.sample, { seed: SUITE_SEED, numRuns: LEAK_RUNS })) {
      const { run, douts } = referenceRun(row, sample, SUITE_SEED);
      const twin = await runTwin(row, sample, run.grads ? douts : undefined);
      expect(twin.leaked, `device buffers left taken after forward and backward on ${fc.stringify(sample).slice(0, 300)}`).toBe(0);
    }
  });
});
