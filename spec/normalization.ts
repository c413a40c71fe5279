import fc from 'fast-check';
import { forEachMember, groupMoments, groupSize, type Groups, type NormLayout } from '../reference/normalization';
import { makeRng, randnTensor, uniformTensor, type Rng } from '../reference/rng';
import { formatIndex, numel, tensor, type Tensor, type Tensors } from '../reference/tensor';
import { makeSample, samples } from './harness/arbitraries';
import type { ErrorCase, InputSpec, Params, Sample } from './harness/op';
import { scaledAtol, TWIN_TOLERANCE, type Tolerance } from './harness/tolerance';

/** What the rows of batchnorm, spatial_batchnorm, layernorm and groupnorm share. */
const differentiable = (name: string): InputSpec => ({ name, kind: 'float', differentiable: true });

export const scaleShiftInputs: InputSpec[] = ['x', 'gamma', 'beta'].map(differentiable);

/** The batchnorms also take the running statistics, which are not differentiated. */
export const batchnormInputs: InputSpec[] = [
  ...scaleShiftInputs,
  ...['running_mean', 'running_var'].map((name): InputSpec => ({ name, kind: 'float', differentiable: false })),
];

/** Only `out` has a gradient; the updated running statistics are outputs without one. */
export const batchnormOutputs = ['out', 'running_mean', 'running_var'];

/**
 * Scales each statistics group's deviations from its mean so that its variance is at least 0.1.
 * A group whose values nearly coincide has istd close to 1/√eps ≈ 316, which multiplies the
 * float32 rounding of x − μ past any sensible twin tolerance; the checks stay on well-conditioned
 * groups, and the hand-written edge cases cover exactly zero variance (with exact values).
 */
function spreadGroups(x: Tensor, g: Groups): void {
  const MIN_VARIANCE = 0.1;
  const { mean, variance } = groupMoments(x, g);
  for (let k = 0; k < g.count; k++) {
    if (variance[k] === 0 || variance[k] >= MIN_VARIANCE) continue;
    const scale = Math.sqrt(MIN_VARIANCE / variance[k]);
    forEachMember(g, k, (i) => (x.data[i] = mean[k] + (x.data[i] - mean[k]) * scale));
  }
}

/** x (shifted off zero, so means matter), γ, β of C channels, values spread per statistics group. */
export function scaleShiftTensors(rng: Rng, xShape: number[], layout: NormLayout): Tensors {
  const C = xShape[1];
  const x = randnTensor(xShape, rng, 1.5);
  x.data.forEach((v, i) => (x.data[i] = v + 0.5));
  spreadGroups(x, layout.stats);
  return { x, gamma: randnTensor([C], rng), beta: randnTensor([C], rng) };
}

/** The batchnorms' inputs: running_mean ~ N(0, 1), running_var uniform in [0.5, 2]. */
export function batchnormTensors(rng: Rng, xShape: number[], layout: NormLayout): Tensors {
  const C = xShape[1];
  return { ...scaleShiftTensors(rng, xShape, layout), running_mean: randnTensor([C], rng), running_var: uniformTensor([C], rng, 0.5, 2) };
}

/** eps left to its default (1e-5) or set. */
const epsChoice = fc.option(fc.constantFrom(1e-5, 1e-3, 0.1), { nil: undefined });

/** mode train | test, momentum and eps at their defaults or set. */
export const batchnormParams: fc.Arbitrary<Params> = fc
  .record({ mode: fc.constantFrom('train', 'test'), eps: epsChoice, momentum: fc.option(fc.constantFrom(0, 0.5, 0.9, 0.99, 1), { nil: undefined }) })
  .map(definedOnly);

export const epsParams: fc.Arbitrary<Params> = fc.record({ eps: epsChoice }).map(definedOnly);

function definedOnly(params: Record<string, unknown>): Params {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

/** Random samples: sizes drawn, then `shapeOf(sizes)` and `layoutOf(shape, params)` build the tensors. */
export function normSamples<T extends object>(
  sizes: fc.Arbitrary<T>,
  params: (sizes: T) => fc.Arbitrary<Params>,
  shapeOf: (sizes: T) => number[],
  tensorsOf: (rng: Rng, shape: number[], params: Params) => Tensors,
): fc.Arbitrary<Sample> {
  return samples(
    sizes.chain((s) => params(s).map((p) => ({ s, p }))),
    ({ s, p }, rng) => ({ inputs: tensorsOf(rng, shapeOf(s), p), params: p }),
  );
}

/** An edge case with fixed shape and params, values from `seed` (then `adjust`ed, e.g. to constants). */
export function fixedSample(seed: number, tensors: (rng: Rng) => Tensors, params: Params, adjust?: (t: Tensors) => void): Sample {
  const inputs = tensors(makeRng(seed));
  adjust?.(inputs);
  return makeSample(inputs, params);
}

/**
 * Every output and gradient is a float32 sum over a statistics group (μ, σ², the dx sums) or a
 * channel (dγ, dβ) of O(1) terms, whose rounding grows like √length: atol scales with the longer.
 */
export const layoutTolerance = (layout: NormLayout): Tolerance => scaledAtol(TWIN_TOLERANCE, Math.max(groupSize(layout.stats), groupSize(layout.channels)));

/** 0, 1, 2, … as a tensor of `shape`, optionally with one value replaced (NaN cases). */
export const ramp = (shape: number[], at?: number, value?: number): Tensor =>
  tensor(
    shape,
    Array.from({ length: numel(shape) }, (_, i) => (i === at ? value! : i)),
  );

/**
 * The errors every normalization op shares, on a valid `ok` sample: x of the wrong rank, γ and β of
 * the wrong length, NaN in x and in γ, eps ≤ 0.
 */
export function scaleShiftErrors(op: string, ok: Tensors, params: Params, channelName: string): ErrorCase[] {
  const { x } = ok;
  const C = x.shape[1];
  const wrongRank = [...x.shape, 1];
  return [
    {
      title: `x of rank ${wrongRank.length}`,
      sample: makeSample({ ...ok, x: tensor(wrongRank) }, params),
      message: `${op}: x: expected rank ${x.shape.length}, got rank ${wrongRank.length} (shape [${wrongRank.join(', ')}])`,
    },
    {
      title: 'empty x',
      sample: makeSample({ ...ok, x: tensor([0, ...x.shape.slice(1)]) }, params),
      message: `${op}: x: expected a non-empty tensor, got shape [${[0, ...x.shape.slice(1)].join(', ')}]`,
    },
    {
      title: 'gamma length differs from the channels of x',
      sample: makeSample({ ...ok, gamma: tensor([C + 1]) }, params),
      message: `${op}: gamma: expected shape [${C}] (${channelName} = ${C} from x), got [${C + 1}]`,
    },
    {
      title: 'beta of rank 2',
      sample: makeSample({ ...ok, beta: tensor([1, C]) }, params),
      message: `${op}: beta: expected shape [${C}] (${channelName} = ${C} from x), got [1, ${C}]`,
    },
    {
      title: 'NaN in x',
      sample: makeSample({ ...ok, x: ramp([...x.shape], 1, NaN) }, params),
      message: `${op}: x: expected finite values, got NaN at ${formatIndex(1, x.shape)}`,
    },
    {
      title: 'Infinity in gamma',
      sample: makeSample({ ...ok, gamma: ramp([C], 0, Infinity) }, params),
      message: `${op}: gamma: expected finite values, got Infinity at [0]`,
    },
    {
      title: 'eps 0',
      sample: makeSample(ok, { ...params, eps: 0 }),
      message: `${op}: eps: expected a finite number > 0, got 0`,
    },
    {
      title: 'eps Infinity',
      sample: makeSample(ok, { ...params, eps: Infinity }),
      message: `${op}: eps: expected a finite number > 0, got Infinity`,
    },
    {
      title: 'eps a string',
      sample: makeSample(ok, { ...params, eps: '1e-5' }),
      message: `${op}: eps: expected a finite number > 0, got "1e-5"`,
    },
  ];
}

/** scaleShiftErrors plus the batchnorms' own: running statistics, mode, momentum. */
export function batchnormErrors(op: string, xShape: number[], channelName: string): ErrorCase[] {
  const C = xShape[1];
  const ok = { x: ramp(xShape), gamma: ramp([C]), beta: ramp([C]), running_mean: ramp([C]), running_var: ramp([C]) };
  const train = { mode: 'train' };
  const why = `${channelName} = ${C} from x`;
  return [
    ...scaleShiftErrors(op, ok, train, channelName),
    {
      title: 'running_mean length differs from the channels of x',
      sample: makeSample({ ...ok, running_mean: tensor([C - 1]) }, train),
      message: `${op}: running_mean: expected shape [${C}] (${why}), got [${C - 1}]`,
    },
    {
      title: 'running_var length differs from the channels of x',
      sample: makeSample({ ...ok, running_var: tensor([C + 2]) }, train),
      message: `${op}: running_var: expected shape [${C}] (${why}), got [${C + 2}]`,
    },
    {
      title: 'negative running_var',
      sample: makeSample({ ...ok, running_var: ramp([C], 1, -1) }, { mode: 'test' }),
      message: `${op}: running_var: expected values ≥ 0, got -1 at [1]`,
    },
    {
      title: 'negative running_var in the first channel',
      sample: makeSample({ ...ok, running_var: ramp([C], 0, -1) }, { mode: 'test' }),
      message: `${op}: running_var: expected values ≥ 0, got -1 at [0]`,
    },
    {
      title: 'NaN in running_var',
      sample: makeSample({ ...ok, running_var: ramp([C], 0, NaN) }, train),
      message: `${op}: running_var: expected finite values, got NaN at [0]`,
    },
    {
      title: 'NaN in running_mean',
      sample: makeSample({ ...ok, running_mean: ramp([C], 0, NaN) }, train),
      message: `${op}: running_mean: expected finite values, got NaN at [0]`,
    },
    {
      title: 'unknown mode',
      sample: makeSample(ok, { mode: 'eval' }),
      message: `${op}: mode: expected "train" or "test", got "eval"`,
    },
    {
      title: 'no mode',
      sample: makeSample(ok, {}),
      message: `${op}: mode: expected "train" or "test", got undefined`,
    },
    {
      title: 'momentum above 1',
      sample: makeSample(ok, { mode: 'train', momentum: 1.5 }),
      message: `${op}: momentum: expected a number ≥ 0 and ≤ 1, got 1.5`,
    },
  ];
}
