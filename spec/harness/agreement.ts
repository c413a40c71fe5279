import type { GpuTensor } from '../../accelerated/runtime/buffers';
import type { Tensor, Tensors } from '../../reference/tensor';
import { randomDouts } from './gradcheck';
import { differentiatedOutputs, type Impl, type OpRow, type Sample } from './op';
import { compare, TWIN_TOLERANCE, VARIANT_TOLERANCE, type Comparison, type Tolerance } from './tolerance';
import { runReference, runTwin, type Run } from './twin';

/** The result of running one case through two implementations and comparing every tensor. */
export interface Agreement {
  ok: boolean;
  tolerance: Tolerance;
  comparisons: Comparison[];
}

export const rowTolerance = (row: OpRow, sample: Sample): Tolerance =>
  typeof row.tolerance === 'function' ? row.tolerance(sample) : (row.tolerance ?? TWIN_TOLERANCE);

/** Compares outputs and grads of `actual` against `expected` (the reference). */
export function compareRuns(actual: Run, expected: Run, tolerance: Tolerance): Agreement {
  const comparisons = [
    ...Object.entries(expected.outputs).map(([k, t]) => compare(k, actual.outputs[k], t, tolerance)),
    ...Object.entries(expected.grads ?? {}).map(([k, t]) => compare(k, actual.grads?.[k], t, tolerance)),
  ];
  return { ok: comparisons.every((c) => c.ok), tolerance, comparisons };
}

/** The reference's forward and backward, with upstream gradients drawn from `seed`. */
export function referenceRun(row: OpRow, sample: Sample, seed: number): { run: Run; douts: Tensors } {
  const { outputs } = runReference(row.reference, sample);
  const douts = randomDouts(differentiatedOutputs(row, outputs), seed);
  return { run: runReference(row.reference, sample, row.reference.backward ? douts : undefined), douts };
}

/** Twin (the row's, or a user's module of the same shape) vs reference on one case. */
export async function twinAgreement(row: OpRow, sample: Sample, seed: number, twin?: Impl<GpuTensor>): Promise<Agreement> {
  const { run, douts } = referenceRun(row, sample, seed);
  const actual = await runTwin(row, sample, run.grads ? douts : undefined, twin);
  return compareRuns(actual, run, rowTolerance(row, sample));
}

/** A reference variant (naive/vectorized) vs the row's reference on one case. */
export function variantAgreement(row: OpRow, variant: Impl<Tensor>, sample: Sample, seed: number): Agreement {
  const { run, douts } = referenceRun(row, sample, seed);
  return compareRuns(runReference(variant, sample, run.grads ? douts : undefined), run, VARIANT_TOLERANCE);
}
