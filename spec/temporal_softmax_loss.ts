import fc from 'fast-check';
import * as twin from '../accelerated/temporal_softmax_loss';
import * as ref from '../reference/temporal_softmax_loss';
import { randintTensor, randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const io = [['x', 'y', 'mask'], ['loss']] as const;

/** Scores x (N, T, V), labels y, and a mask with about a third of the steps masked out. */
const temporalLossSamples = (maxN: number, maxT: number, maxV: number, scale: number) =>
  samples(fc.record({ N: dim(1, maxN), T: dim(1, maxT), V: dim(1, maxV) }), ({ N, T, V }, rng) => ({
    inputs: {
      x: randnTensor([N, T, V], rng, scale),
      y: randintTensor([N, T], rng, V),
      mask: tensor(
        [N, T],
        Array.from({ length: N * T }, () => (rng() < 0.65 ? 1 : 0)),
      ),
    },
  }));

const x = tensor([2, 2, 3], [1, 2, 3, 4, 5, 6, 0, 0, 0, -1, 2, 0.5]);
const y = tensor([2, 2], [0, 2, 1, 1]);
const mask = tensor([2, 2], [1, 0, 1, 1]);

export const temporal_softmax_loss: OpDef = {
  id: 'temporal_softmax_loss',
  inputs: [
    { name: 'x', kind: 'float', differentiable: true },
    { name: 'y', kind: 'int', differentiable: false },
    { name: 'mask', kind: 'int', differentiable: false },
  ],
  outputs: ['loss'],
  reference: courseImpl(...io, ref.temporalSoftmaxLossForward, ref.temporalSoftmaxLossBackward),
  twin: courseImpl(...io, twin.temporalSoftmaxLossForward, twin.temporalSoftmaxLossBackward),
  validate: ({ x, y, mask }) => void ref.validateTemporalSoftmaxLoss(x, y, mask),
  // Scores up to ~±12 make the max-subtraction matter without overflowing float32.
  sample: temporalLossSamples(6, 12, 20, 4),
  gradSample: temporalLossSamples(2, 12, 5, 2),
  edgeCases: [
    makeSample({ x, y, mask }),
    makeSample({ x, y, mask: tensor([2, 2], [0, 0, 0, 0]) }),
    makeSample({ x: tensor([1, 1, 1], [0.3]), y: tensor([1, 1], [0]), mask: tensor([1, 1], [1]) }),
  ],
  errors: [
    {
      title: 'x of rank 2',
      sample: makeSample({ x: tensor([2, 3]), y, mask }),
      message: 'temporal_softmax_loss: x: expected rank 3, got rank 2 (shape [2, 3])',
    },
    {
      title: 'y shape differs',
      sample: makeSample({ x, y: tensor([2, 3]), mask }),
      message: 'temporal_softmax_loss: y: expected shape [2, 2] (N = 2, T = 2 from x), got [2, 3]',
    },
    {
      title: 'mask shape differs',
      sample: makeSample({ x, y, mask: tensor([4]) }),
      message: 'temporal_softmax_loss: mask: expected shape [2, 2] (N = 2, T = 2 from x), got [4]',
    },
    {
      title: 'label out of range',
      sample: makeSample({ x, y: tensor([2, 2], [0, 3, 1, 1]), mask }),
      message: 'temporal_softmax_loss: y: expected labels in [0, 2], got 3 at [0, 1]',
    },
    {
      title: 'non-integer label',
      sample: makeSample({ x, y: tensor([2, 2], [0, 1, 0.5, 1]), mask }),
      message: 'temporal_softmax_loss: y: expected integer labels, got 0.5 at [1, 0]',
    },
    {
      title: 'mask not 0/1',
      sample: makeSample({ x, y, mask: tensor([2, 2], [1, 0, 2, 1]) }),
      message: 'temporal_softmax_loss: mask: expected 0 or 1, got 2 at [1, 0]',
    },
    {
      title: 'NaN in x',
      sample: makeSample({ x: tensor([2, 2, 3], [1, 2, 3, 4, 5, 6, 0, 0, 0, NaN, 2, 0.5]), y, mask }),
      message: 'temporal_softmax_loss: x: expected finite values, got NaN at [1, 1, 0]',
    },
  ],
};
