import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { referenceRun, rowTolerance } from '../../spec/harness/agreement';
import { caseSample, parseCase, type TensorJson } from '../../spec/harness/casefile';
import { caseFilesIn, ORACLE_FIXTURES, REFERENCE_FIXTURES } from '../../spec/harness/fixtures';
import { gradcheck } from '../../spec/harness/gradcheck';
import type { ErrorCase, Impl, OpRow, Sample } from '../../spec/harness/op';
import { rejectedOnDevice, runReference, type Run } from '../../spec/harness/twin';
import type { Tolerance } from '../../spec/harness/tolerance';
import { clone, tensor, type Tensor, type Tensors } from '../../reference/tensor';
import type { Rubric } from './rubric';

/**
 * What a submission is graded on for one op, built once in the trusted parent from the op table
 * and reused for every submission: the op's case files (reference fixtures and PyTorch oracle
 * cases), random cases from the row's sample arbitrary with the reference's answers, the
 * gradient-check cases with every forward call `spec/harness/gradcheck.ts` will make, and the row's error
 * inputs (for twins: those a twin must reject on its own).
 */
export interface RunCase {
  label: string;
  sample: Sample;
  /** Upstream gradients, for ops with a backward. */
  douts?: Tensors;
  expected: Run;
  tolerance: Tolerance;
}

export interface GradCase {
  label: string;
  sample: Sample;
  seed: number;
  /** The inputs of each forward call the gradient check makes, in order (the first is the sample). */
  calls: Tensors[];
  douts: Tensors;
  /** The reference's outputs and grads on the sample: the shapes the submission must return. */
  shapes: Run;
}

export interface OpSuite {
  row: OpRow;
  fixtures: RunCase[];
  random: RunCase[];
  gradcheck: GradCase[];
  errors: ErrorCase[];
}

const fromJson = (ts: Record<string, TensorJson>): Tensors => Object.fromEntries(Object.entries(ts).map(([k, t]) => [k, tensor(t.shape, t.data)]));

function fixtureCases(row: OpRow, tolerance: (s: Sample) => Tolerance): RunCase[] {
  const sources = [
    ['reference', REFERENCE_FIXTURES],
    ['oracle', ORACLE_FIXTURES],
  ] as const;
  return sources.flatMap(([kind, root]) =>
    caseFilesIn(join(root, row.id)).map((file) => {
      const path = join(root, row.id, file);
      const c = parseCase(readFileSync(path, 'utf8'), path);
      const sample = caseSample(c);
      const backward = Boolean(row.reference.backward && c.dout && c.grads);
      return {
        label: `${kind}/${file.replace(/\.json$/, '')}`,
        sample,
        douts: backward ? fromJson(c.dout!) : undefined,
        expected: { outputs: fromJson(c.outputs), grads: backward ? fromJson(c.grads!) : undefined },
        tolerance: tolerance(sample),
      };
    }),
  );
}

function randomCases(row: OpRow, rubric: Rubric, tolerance: (s: Sample) => Tolerance): RunCase[] {
  const drawn = rubric.randomCases > 0 ? fc.sample(row.sample, { seed: rubric.seed, numRuns: rubric.randomCases }) : [];
  return drawn.map((sample, i) => {
    const { run, douts } = referenceRun(row, sample, rubric.seed + i);
    return { label: `random #${i + 1} ${fc.stringify(sample)}`, sample, douts: run.grads ? douts : undefined, expected: run, tolerance: tolerance(sample) };
  });
}

/** Runs the gradient check on the reference once, recording the inputs of every forward call it makes. */
export function recordGradcheck(row: OpRow, sample: Sample, seed: number, label: string): GradCase {
  const calls: Tensors[] = [];
  let douts: Tensors | undefined;
  const recorder: Impl<Tensor> = {
    forward(inputs, params) {
      calls.push(Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, clone(t)])));
      return row.reference.forward(inputs, params);
    },
    backward(d, cache) {
      douts = d;
      return row.reference.backward!(d, cache);
    },
  };
  gradcheck(row, recorder, sample, seed);
  return { label, sample, seed, calls, douts: douts!, shapes: runReference(row.reference, sample, douts) };
}

function gradcheckCases(row: OpRow, rubric: Rubric): GradCase[] {
  if (!row.reference.backward || rubric.gradcheckCases === 0) return [];
  const drawn = fc.sample(row.gradSample ?? row.sample, { seed: rubric.seed + 1, numRuns: rubric.gradcheckCases });
  return drawn.map((sample, i) => recordGradcheck(row, sample, rubric.seed + i, `gradcheck #${i + 1} ${fc.stringify(sample)}`));
}

/** The cases of one op; a twin suite (`twin`) has no gradient-check cases and only the error inputs a twin must reject. */
export function buildSuite(row: OpRow, rubric: Rubric, twin = false): OpSuite {
  const tolerance = (s: Sample) => rubric.tolerance ?? rowTolerance(row, s);
  return {
    row,
    fixtures: fixtureCases(row, tolerance),
    random: randomCases(row, rubric, tolerance),
    gradcheck: twin ? [] : gradcheckCases(row, rubric),
    errors: twin ? row.errors.filter((e) => rejectedOnDevice(row, e)) : [...row.errors],
  };
}

/**
 * The gradient check of spec/harness/gradcheck.ts replayed on a submission's answers: its forward outputs
 * for each recorded call (in the order the check makes them) and its backward's grads.
 */
export function replayGradcheck(row: OpRow, c: GradCase, outputs: Tensors[], grads: Tensors) {
  let call = 0;
  const replay: Impl<Tensor> = {
    forward() {
      if (call >= outputs.length) throw new Error(`grade: gradient check made more than the ${outputs.length} recorded forward calls`);
      return { outputs: outputs[call++], cache: undefined };
    },
    backward: () => grads,
  };
  return gradcheck(row, replay, c.sample, c.seed);
}
