import fc from 'fast-check';
import * as twin from '../accelerated/l2_regularization';
import * as ref from '../reference/l2_regularization';
import { makeRng, randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

/** Weights of rank 1–4 (up to 9⁴ values, several reduction passes) and reg in [0, 10]. */
const l2Samples = (maxDim: number) =>
  samples(
    fc.record({ shape: fc.array(dim(1, maxDim), { minLength: 1, maxLength: 4 }), reg: fc.double({ min: 0, max: 10, noNaN: true }) }),
    ({ shape, reg }, rng) => ({ inputs: { w: randnTensor(shape, rng) }, params: { reg } }),
  );

const w = (seed: number, shape: number[]) => randnTensor(shape, makeRng(seed));
const io = [['w'], ['loss']] as const;

export const l2_regularization: OpDef = {
  id: 'l2_regularization',
  inputs: [{ name: 'w', kind: 'float', differentiable: true }],
  outputs: ['loss'],
  reference: courseImpl(...io, ref.l2RegularizationForward, ref.l2RegularizationBackward),
  twin: courseImpl(...io, twin.l2RegularizationForward, twin.l2RegularizationBackward),
  validate: ({ w }, params) => void ref.validateL2Regularization(w, params),
  sample: l2Samples(9),
  gradSample: l2Samples(4),
  edgeCases: [
    makeSample({ w: tensor([1], [-3]) }, { reg: 0.5 }), // one weight
    makeSample({ w: w(1, [5, 4]) }, { reg: 0 }), // no regularization: loss and dw are 0
    makeSample({ w: w(2, [4, 3, 3, 3]) }, { reg: 1e-3 }), // a conv weight, a typical reg
  ],
  errors: [
    { title: 'missing reg', sample: makeSample({ w: tensor([2], [1, 2]) }), message: 'l2_regularization: reg: expected a number ≥ 0, got undefined' },
    { title: 'negative reg', sample: makeSample({ w: tensor([2], [1, 2]) }, { reg: -1 }), message: 'l2_regularization: reg: expected a number ≥ 0, got -1' },
    { title: 'empty w', sample: makeSample({ w: tensor([3, 0]) }, { reg: 1 }), message: 'l2_regularization: w: expected a non-empty tensor, got shape [3, 0]' },
    {
      title: 'NaN in w',
      sample: makeSample({ w: tensor([3], [1, NaN, 2]) }, { reg: 1 }),
      message: 'l2_regularization: w: expected finite values, got NaN at [1]',
    },
  ],
};
