import fc from 'fast-check';
import { randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import type { Shaped } from '../reference/validate';
import { awayFrom, dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type ErrorCase, type Params, type OpDef } from './harness/op';

/** A course-shaped forward or backward, as courseImpl takes it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CourseFunction = (...args: any[]) => any;

/**
 * What the elementwise activation rows (leaky_relu, elu, selu, gelu, sigmoid, tanh) share: one
 * input x of any shape, random values wide enough (σ = 3) to reach the saturated tails, kink-free
 * samples where the derivative jumps at 0, the edge case and the error inputs of x.
 */
export interface ActivationDef {
  id: string;
  reference: readonly [CourseFunction, CourseFunction];
  twin: readonly [CourseFunction, CourseFunction];
  validate(x: Shaped, params: Params): unknown;
  /** Drawn params (default: none). */
  params?: fc.Arbitrary<Params>;
  /** Params of the edge cases, one edge case each (default: none). */
  edgeParams?: readonly Params[];
  /**
   * The derivative jumps at 0: samples keep 1e-3 away from it, and `convention` states the slope
   * taken at x = 0 exactly, which its kink cases (x with zeros, per edgeParams) hold the op to.
   */
  kinkAtZero?: { convention: string };
  /** Error inputs of the params, beyond those of x. */
  paramErrors?: readonly ErrorCase[];
}

const activationSamples = (maxDim: number, def: ActivationDef) =>
  samples(fc.tuple(fc.array(dim(1, maxDim), { minLength: 1, maxLength: 4 }), def.params ?? fc.constant({})), ([shape, params], rng) => {
    const x = randnTensor(shape, rng, 3);
    if (def.kinkAtZero) awayFrom(x.data, 0, 1e-3);
    return { inputs: { x }, params };
  });

/** Both tails (not so far out that the slope underflows), and ±1e-3 either side of 0. */
const EDGE_VALUES = [-8, -3, -1, -1e-3, 1e-3, 0.5, 3, 8];

/** 0 and −0 exactly, among values on either side. */
const KINK_VALUES = [0, -1, 2, -0, 0.5, 0];

/** A valid x for the param errors. */
export const anyX = tensor([2, 2], [1, -2, 3, -4]);

const inputErrors = (op: string): ErrorCase[] => [
  { title: 'empty x', sample: makeSample({ x: tensor([2, 0]) }), message: `${op}: x: expected a non-empty tensor, got shape [2, 0]` },
  { title: 'NaN in x', sample: makeSample({ x: tensor([2, 2], [1, NaN, 3, 4]) }), message: `${op}: x: expected finite values, got NaN at [0, 1]` },
  { title: '-Infinity in x', sample: makeSample({ x: tensor([3], [0, 1, -Infinity]) }), message: `${op}: x: expected finite values, got -Infinity at [2]` },
];

export function activationRow(def: ActivationDef): OpDef {
  const io = [['x'], ['out']] as const;
  return {
    id: def.id,
    inputs: [{ name: 'x', kind: 'float', differentiable: true }],
    outputs: ['out'],
    reference: courseImpl(...io, ...def.reference),
    twin: courseImpl(...io, ...def.twin),
    validate: ({ x }, params) => void def.validate(x, params),
    sample: activationSamples(9, def),
    gradSample: activationSamples(4, def),
    edgeCases: (def.edgeParams ?? [{}]).map((params) => makeSample({ x: tensor([2, 4], EDGE_VALUES) }, params)),
    kinks: def.kinkAtZero && {
      convention: def.kinkAtZero.convention,
      cases: (def.edgeParams ?? [{}]).map((params) => makeSample({ x: tensor([2, 3], KINK_VALUES) }, params)),
    },
    errors: [...inputErrors(def.id), ...(def.paramErrors ?? [])],
  };
}
