import fc from 'fast-check';
import * as twin from '../accelerated/optimizers';
import * as ref from '../reference/optimizers';
import { randnTensor, type Rng } from '../reference/rng';
import { tensor, type Tensor, type Tensors } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { TWIN_TOLERANCE, type Tolerance } from './harness/tolerance';
import { courseImpl, type Column, type ErrorCase, type Impl, type InputSpec, type OpRow, type Params, type OpDef } from './harness/op';

/**
 * Rows of the optimizer family (reference/optimizers.ts, accelerated/optimizers.ts): sgd,
 * sgd_momentum, nesterov, adagrad, rmsprop, adam. One family file, like the reference and twin:
 * the rules are a few lines each. Inputs are w, dw and the state (v, cache, m, t); outputs next_w
 * and next_<state>; hyper-parameters are params; nothing is differentiated. The over-many-steps
 * checks (twin vs reference fed back 60 times, reference vs a hand-rolled course loop) are in
 * spec/optimizers.test.ts.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyForward = (...args: any[]) => object;

/** Forwards with no cache (nothing to differentiate) as table implementations. */
export function forwardOnly<T>(inputs: readonly string[], outputs: readonly string[], forward: AnyForward): Impl<T> {
  return courseImpl<T>(inputs, outputs, (...args: unknown[]) => ({ ...forward(...args), cache: undefined }));
}

/** The coverage columns a forward-only row leaves empty, with the reason. */
export const notDifferentiated = (why: string): Partial<Record<Column, string>> => ({ ref_bwd: why, gradcheck: why, twin_bwd: why });

const UPDATE_RULE = notDifferentiated('an update rule, not differentiated');

const float = (name: string): InputSpec => ({ name, kind: 'float', differentiable: false });

/** Hyper-parameter arbitraries; each key may be left out so that the defaults are exercised too. */
const HYPER = {
  lr: fc.oneof(fc.constantFrom(1e-3, 1e-2, 0.1), fc.double({ min: 1e-4, max: 0.1, noNaN: true })),
  rho: fc.oneof(fc.constantFrom(0, 0.5, 0.9, 0.99), fc.double({ min: 0, max: 0.99, noNaN: true })),
  decay: fc.oneof(fc.constantFrom(0.9, 0.99), fc.double({ min: 0, max: 0.99, noNaN: true })),
  eps: fc.constantFrom(1e-8, 1e-6, 1e-3),
  beta1: fc.oneof(fc.constantFrom(0, 0.9), fc.double({ min: 0.5, max: 0.99, noNaN: true })),
  beta2: fc.oneof(fc.constantFrom(0.99, 0.999), fc.double({ min: 0.9, max: 0.999, noNaN: true })),
};
type HyperName = keyof typeof HYPER;

const hyperParams = (names: HyperName[]): fc.Arbitrary<Params> => fc.record(Object.fromEntries(names.map((n) => [n, HYPER[n]])), { requiredKeys: [] });

/** Squares-like state: non-negative, some of it exactly 0 (a fresh accumulator). */
const squares = (shape: readonly number[], rng: Rng, scale: number): Tensor => {
  const t = randnTensor(shape, rng);
  t.data.forEach((x, i) => (t.data[i] = rng() < 0.1 ? 0 : scale * x * x));
  return t;
};

interface UpdateSpec {
  id: string;
  /** State inputs besides w and dw, in order; their next values are outputs next_<name>. */
  state: string[];
  hyper: HyperName[];
  makeState(shape: readonly number[], rng: Rng, step: number): Tensors;
  reference: AnyForward;
  twin: AnyForward;
  validate(inputs: Tensors, params: Params): void;
  edgeCases: OpRow['edgeCases'];
  errors: ErrorCase[];
  tolerance?: OpRow['tolerance'];
}

const updateSamples = (spec: UpdateSpec, maxDim: number) =>
  samples(
    fc.record({ shape: fc.array(dim(1, maxDim), { minLength: 1, maxLength: 3 }), step: dim(0, 1000), params: hyperParams(spec.hyper) }),
    ({ shape, step, params }, rng) => ({
      inputs: { w: randnTensor(shape, rng), dw: randnTensor(shape, rng), ...spec.makeState(shape, rng, step) },
      params,
    }),
  );

function updateRow(spec: UpdateSpec): OpDef {
  const inputs = ['w', 'dw', ...spec.state];
  const outputs = ['next_w', ...spec.state.filter((s) => s !== 't').map((s) => `next_${s}`), ...(spec.state.includes('t') ? ['next_t'] : [])];
  return {
    id: spec.id,
    inputs: inputs.map((name) => (name === 't' ? { name, kind: 'int', differentiable: false } : float(name))),
    outputs,
    reference: forwardOnly(inputs, outputs, spec.reference),
    twin: forwardOnly(inputs, outputs, spec.twin),
    validate: spec.validate,
    // Up to 9·9·9 elements: odd sizes, several 64-wide workgroups.
    sample: updateSamples(spec, 9),
    gradSample: updateSamples(spec, 3),
    edgeCases: spec.edgeCases,
    errors: spec.errors,
    tolerance: spec.tolerance,
    reasons: UPDATE_RULE,
  };
}

/** Error inputs every update shares (w, dw, lr), plus the rule's own. */
function updateErrors(op: string, state: Tensors, own: ErrorCase[] = []): ErrorCase[] {
  const w = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
  const dw = tensor([2, 3], [0.5, -1, 2, 0, 1, -2]);
  const ok = { w, dw, ...state };
  return [
    {
      title: 'empty w',
      sample: makeSample({ ...ok, w: tensor([0, 3]), dw: tensor([0, 3]) }),
      message: `${op}: w: expected a non-empty tensor, got shape [0, 3]`,
    },
    {
      title: 'dw of another shape',
      sample: makeSample({ ...ok, dw: tensor([3, 2]) }),
      message: `${op}: dw: expected shape [2, 3] (the shape of w), got [3, 2]`,
    },
    {
      title: 'NaN in w',
      sample: makeSample({ ...ok, w: tensor([2, 3], [1, NaN, 3, 4, 5, 6]) }),
      message: `${op}: w: expected finite values, got NaN at [0, 1]`,
    },
    {
      title: 'Infinity in dw',
      sample: makeSample({ ...ok, dw: tensor([2, 3], [0, 0, 0, 0, 0, -Infinity]) }),
      message: `${op}: dw: expected finite values, got -Infinity at [1, 2]`,
    },
    { title: 'negative lr', sample: makeSample(ok, { lr: -0.1 }), message: `${op}: lr: expected a number ≥ 0, got -0.1` },
    { title: 'lr not a number', sample: makeSample(ok, { lr: '0.1' }), message: `${op}: lr: expected a number ≥ 0, got "0.1"` },
    ...own,
  ];
}

const z = (shape: number[] = [2, 3]) => tensor(shape);
const stateErrors = (op: string, name: string, state: Tensors): ErrorCase[] => [
  {
    title: `${name} of another shape`,
    sample: makeSample({ w: z(), dw: z(), ...state, [name]: tensor([6]) }),
    message: `${op}: ${name}: expected shape [2, 3] (the shape of w), got [6]`,
  },
];
const fractionError = (op: string, name: string, state: Tensors): ErrorCase => ({
  title: `${name} = 1`,
  sample: makeSample({ w: z(), dw: z(), ...state }, { [name]: 1 }),
  message: `${op}: ${name}: expected a number ≥ 0 and < 1, got 1`,
});
const epsError = (op: string, state: Tensors): ErrorCase => ({
  title: 'eps = 0',
  sample: makeSample({ w: z(), dw: z(), ...state }, { eps: 0 }),
  message: `${op}: eps: expected a number > 0, got 0`,
});
const negativeSquares = (op: string, name: string, state: Tensors): ErrorCase => ({
  title: `negative ${name}`,
  sample: makeSample({ w: z(), dw: z(), ...state, [name]: tensor([2, 3], [0, 1, 2, -1, 0, 0]) }),
  message: `${op}: ${name}: expected values ≥ 0, got -1 at [1, 0]`,
});

const velocity = (shape: readonly number[], rng: Rng) => ({ v: randnTensor(shape, rng, 0.1) });
const w1 = tensor([1], [0.5]);
const g1 = tensor([1], [-2]);
const wdw = { w: tensor([2, 2], [1, -1, 0.5, 2]), dw: tensor([2, 2], [0.25, 0, -3, 1e-4]) };

export const sgd = updateRow({
  id: 'sgd',
  state: [],
  hyper: ['lr'],
  makeState: () => ({}),
  reference: ref.sgdForward,
  twin: twin.sgdForward,
  validate: ({ w, dw }, params) => void ref.validateSgd(w, dw, params),
  edgeCases: [makeSample({ w: w1, dw: g1 }), makeSample(wdw, { lr: 0 })],
  errors: updateErrors('sgd', {}),
});

const momentumRow = (id: 'sgd_momentum' | 'nesterov', forward: typeof ref.sgdMomentumForward, twinForward: typeof twin.sgdMomentumForward) =>
  updateRow({
    id,
    state: ['v'],
    hyper: ['lr', 'rho'],
    makeState: velocity,
    reference: forward,
    twin: twinForward,
    validate: ({ w, dw, v }, params) => void ref.validateSgdMomentum(w, dw, v, params, id),
    edgeCases: [makeSample({ w: w1, dw: g1, v: tensor([1]) }), makeSample({ ...wdw, v: tensor([2, 2], [0.1, -0.2, 0, 0.3]) }, { lr: 0.5, rho: 0 })],
    errors: updateErrors(id, { v: z() }, [...stateErrors(id, 'v', { v: z() }), fractionError(id, 'rho', { v: z() })]),
  });

export const sgd_momentum = momentumRow('sgd_momentum', ref.sgdMomentumForward, twin.sgdMomentumForward);
export const nesterov = momentumRow('nesterov', ref.nesterovForward, twin.nesterovForward);

const adaptiveRow = (
  id: 'adagrad' | 'rmsprop',
  forward: typeof ref.adagradForward,
  twinForward: typeof twin.adagradForward,
  validate: typeof ref.validateAdagrad,
  hyper: HyperName[],
) =>
  updateRow({
    id,
    state: ['cache'],
    hyper,
    makeState: (shape, rng) => ({ cache: squares(shape, rng, 1) }),
    reference: forward,
    twin: twinForward,
    validate: ({ w, dw, cache }, params) => void validate(w, dw, cache, params),
    edgeCases: [
      makeSample({ w: w1, dw: g1, cache: tensor([1]) }),
      // A fresh accumulator and a zero gradient: 0 / (0 + eps) = 0.
      makeSample({ ...wdw, cache: tensor([2, 2], [0, 0, 4, 1e-8]) }, { eps: 1e-6 }),
    ],
    errors: updateErrors(id, { cache: z() }, [
      ...stateErrors(id, 'cache', { cache: z() }),
      negativeSquares(id, 'cache', { cache: z() }),
      epsError(id, { cache: z() }),
      ...(id === 'rmsprop' ? [fractionError(id, 'decay', { cache: z() })] : []),
    ]),
  });

export const adagrad = adaptiveRow('adagrad', ref.adagradForward, twin.adagradForward, ref.validateAdagrad, ['lr', 'eps']);
export const rmsprop = adaptiveRow('rmsprop', ref.rmspropForward, twin.rmspropForward, ref.validateRmsprop, ['lr', 'decay', 'eps']);

const adamState = (shape: readonly number[] = [2, 3], t = 0) => ({ m: tensor(shape), v: tensor(shape), t: tensor([], [t]) });

/**
 * β2 = 0.999 rounds to float32 with an absolute error up to 3e-8, so the twin's 1 − β2 (in v and
 * in the bias correction) is off by up to 3e-5 relative, and the step lr·m̂/(√v̂ + eps), of size up
 * to a few lr, by ~1e-5 relative: atol grows with lr (a wrong rule is off by O(lr)).
 */
const adamTolerance = ({ params }: { params: Params }): Tolerance => ({
  ...TWIN_TOLERANCE,
  atol: TWIN_TOLERANCE.atol + 2e-4 * (typeof params.lr === 'number' ? params.lr : 1e-3),
});

export const adam = updateRow({
  id: 'adam',
  tolerance: adamTolerance,
  state: ['m', 'v', 't'],
  hyper: ['lr', 'beta1', 'beta2', 'eps'],
  makeState: (shape, rng, step) => {
    // Consistent moments, v ≥ m² (a mean of squares is at least the square of the mean), so that
    // m̂/√v̂ stays O(1) as in a real run.
    const m = randnTensor(shape, rng, 0.1);
    const v = squares(shape, rng, 0.01);
    m.data.forEach((x, i) => (v.data[i] += x * x));
    return { m, v, t: tensor([], [step]) };
  },
  reference: ref.adamForward,
  twin: twin.adamForward,
  validate: ({ w, dw, m, v, t }, params) => void ref.validateAdam(w, dw, m, v, t, params),
  edgeCases: [
    // The first step (t = 0 → 1) from zero moments: the update is lr·sign(dw) up to eps.
    makeSample({ ...wdw, ...adamState([2, 2]) }),
    makeSample({ w: w1, dw: g1, m: tensor([1], [0.3]), v: tensor([1], [0.5]), t: tensor([], [999]) }, { beta1: 0, lr: 0.01 }),
  ],
  errors: updateErrors('adam', adamState(), [
    ...stateErrors('adam', 'm', adamState()),
    negativeSquares('adam', 'v', adamState()),
    fractionError('adam', 'beta1', adamState()),
    fractionError('adam', 'beta2', adamState()),
    epsError('adam', adamState()),
    {
      title: 't not a scalar',
      sample: makeSample({ w: z(), dw: z(), ...adamState(), t: tensor([1], [3]) }),
      message: 'adam: t: expected shape [] (a scalar step count), got [1]',
    },
    {
      title: 't not a whole number',
      sample: makeSample({ w: z(), dw: z(), ...adamState(), t: tensor([], [1.5]) }),
      message: 'adam: t: expected integer steps in [0, 16777215], got 1.5 at []',
    },
  ]),
});

export const OPTIMIZER_ROWS: OpDef[] = [sgd, sgd_momentum, nesterov, adagrad, rmsprop, adam];
