import fc from 'fast-check';
import * as twin from '../accelerated/bce_with_logits';
import * as ref from '../reference/bce_with_logits';
import { randnTensor, uniformTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const io = [['x', 'y'], ['loss']] as const;

/** Logits of rank 1–3 at scale 1–20 (deep into both tails), soft targets in [0, 1]. */
const bceSamples = (maxDim: number) =>
  samples(fc.record({ shape: fc.array(dim(1, maxDim), { minLength: 1, maxLength: 3 }), scale: fc.constantFrom(1, 5, 20) }), ({ shape, scale }, rng) => ({
    inputs: { x: randnTensor(shape, rng, scale), y: uniformTensor(shape, rng, 0, 1) },
  }));

/** |x| = 1000 with hard and soft targets: the loss is finite and exact (max(x,0) − x·y, tails e^(−1000) = 0). */
export const BCE_EXTREME = makeSample({
  x: tensor([6], [1000, -1000, 1000, -1000, 999.5, -0.25]),
  y: tensor([6], [1, 0, 0, 1, 0.25, 0.5]),
});

const ok = { x: tensor([2, 2], [1, -2, 3, 0]), y: tensor([2, 2], [0, 1, 0.5, 1]) };

export const bce_with_logits: OpDef = {
  id: 'bce_with_logits',
  inputs: [
    { name: 'x', kind: 'float', differentiable: true },
    { name: 'y', kind: 'float', differentiable: false },
  ],
  outputs: ['loss'],
  reference: courseImpl(...io, ref.bceWithLogitsForward, ref.bceWithLogitsBackward),
  twin: courseImpl(...io, twin.bceWithLogitsForward, twin.bceWithLogitsBackward),
  validate: ({ x, y }) => void ref.validateBceWithLogits(x, y),
  sample: bceSamples(12),
  gradSample: bceSamples(4),
  edgeCases: [
    BCE_EXTREME,
    makeSample({ x: tensor([1], [0]), y: tensor([1], [0.5]) }), // one element at the logit 0: log 2
    makeSample({ x: tensor([2, 3], [6, -6, 3, -3, 1e-3, -1e-3]), y: tensor([2, 3], [1, 0, 1, 0, 1, 0]) }), // confident and right
  ],
  errors: [
    {
      title: 'y shape differs',
      sample: makeSample({ x: ok.x, y: tensor([4]) }),
      message: 'bce_with_logits: y: expected shape [2, 2] (the shape of x), got [4]',
    },
    {
      title: 'target above 1',
      sample: makeSample({ ...ok, y: tensor([2, 2], [0, 1.5, 0, 0]) }),
      message: 'bce_with_logits: y: expected values in [0, 1], got 1.5 at [0, 1]',
    },
    {
      title: 'NaN in x',
      sample: makeSample({ ...ok, x: tensor([2, 2], [0, 0, NaN, 0]) }),
      message: 'bce_with_logits: x: expected finite values, got NaN at [1, 0]',
    },
    {
      title: 'empty x',
      sample: makeSample({ x: tensor([0, 2]), y: tensor([0, 2]) }),
      message: 'bce_with_logits: x: expected a non-empty tensor, got shape [0, 2]',
    },
  ],
};
