import { afterAll, describe, expect, it } from 'vitest';
import { releaseGpu } from '../accelerated/device';
import { checkProperty, failureMessage, SUITE_SEED } from './properties';
import { TABLE } from './table';

/** Per row with a twin: forward and backward on the WebGPU device against the float64 reference. */
const RUNS = 25;

afterAll(releaseGpu);

describe.each(TABLE.filter((row) => row.twin).map((row) => [row.id, row] as const))('%s', (_, row) => {
  it(`twin agrees with the reference over ${RUNS} random cases`, async () => {
    const result = await checkProperty(row, 'webgpu', { seed: SUITE_SEED, runs: RUNS });
    expect(result.ok, failureMessage(result)).toBe(true);
    expect(result.runs).toBe(RUNS);
  });
});
