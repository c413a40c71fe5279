import fc from 'fast-check';
import * as twin from '../accelerated/dropout';
import * as ref from '../reference/dropout';
import { uniformAt } from '../reference/init';
import { makeRng, randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

/** Shapes of rank 1–4 (up to 9⁴ elements, so the mask spans many workgroups), any p, mode and u32 seed. */
const dropoutSamples = (maxDim: number) =>
  samples(
    fc.record({
      shape: fc.array(dim(1, maxDim), { minLength: 1, maxLength: 4 }),
      params: fc.record(
        {
          p: fc.oneof(fc.constantFrom(0, 0.5, 1), fc.double({ min: 0, max: 1, noNaN: true })),
          train: fc.boolean(),
          seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        },
        { requiredKeys: ['seed'] },
      ),
    }),
    ({ shape, params }, rng) => ({ inputs: { x: randnTensor(shape, rng) }, params }),
  );

const x = (seed: number, shape: number[]) => randnTensor(shape, makeRng(seed));
const ok = tensor([2, 2], [1, 2, 3, 4]);

const io = [['x'], ['out']] as const;

export const dropout: OpDef = {
  id: 'dropout',
  inputs: [{ name: 'x', kind: 'float', differentiable: true }],
  outputs: ['out'],
  reference: courseImpl(...io, ref.dropoutForward, ref.dropoutBackward),
  twin: courseImpl(...io, twin.dropoutForward, twin.dropoutBackward),
  validate: ({ x }, params) => void ref.validateDropout(x, params),
  sample: dropoutSamples(9),
  gradSample: dropoutSamples(4),
  edgeCases: [
    makeSample({ x: x(1, [4, 5]) }, { seed: 7 }), // defaults: p = 0.5, train
    makeSample({ x: x(2, [3, 4]) }, { p: 0, train: true, seed: 1 }), // keeps everything, scale 1
    makeSample({ x: x(3, [3, 4]) }, { p: 1, train: true, seed: 1 }), // drops everything
    makeSample({ x: x(4, [2, 3, 4]) }, { p: 0.3, train: false, seed: 5 }), // test mode: identity
    makeSample({ x: x(5, [64]) }, { p: 0.25, train: true, seed: 2 ** 32 - 1 }), // the largest seed
  ],
  kinks: {
    convention: 'an element is dropped when its draw is below p: a draw equal to p keeps it',
    // p is element 0's draw for seed 11 (a multiple of 2⁻²⁴), so element 0 is kept
    cases: [makeSample({ x: x(6, [2]) }, { p: uniformAt(11, 0), train: true, seed: 11 })],
  },
  errors: [
    { title: 'p above 1', sample: makeSample({ x: ok }, { p: 1.5, seed: 0 }), message: 'dropout: p: expected a number ≥ 0 and ≤ 1, got 1.5' },
    { title: 'negative p', sample: makeSample({ x: ok }, { p: -0.1, seed: 0 }), message: 'dropout: p: expected a number ≥ 0 and ≤ 1, got -0.1' },
    { title: 'train not a boolean', sample: makeSample({ x: ok }, { train: 'yes', seed: 0 }), message: 'dropout: train: expected true or false, got "yes"' },
    { title: 'negative seed', sample: makeSample({ x: ok }, { seed: -1 }), message: 'dropout: seed: expected an integer ≥ 0 and ≤ 4294967295, got -1' },
    { title: 'non-integer seed', sample: makeSample({ x: ok }, { seed: 0.5 }), message: 'dropout: seed: expected an integer ≥ 0 and ≤ 4294967295, got 0.5' },
    { title: 'empty x', sample: makeSample({ x: tensor([0]) }, { seed: 0 }), message: 'dropout: x: expected a non-empty tensor, got shape [0]' },
    {
      title: 'NaN in x',
      sample: makeSample({ x: tensor([2, 2], [1, 2, 3, NaN]) }, { seed: 0 }),
      message: 'dropout: x: expected finite values, got NaN at [1, 1]',
    },
  ],
};
