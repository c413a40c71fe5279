import fc from 'fast-check';
import * as twin from '../accelerated/content_loss';
import * as ref from '../reference/content_loss';
import { makeRng, randnTensor } from '../reference/rng';
import { numel, tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';
import { scaledAtol, TWIN_TOLERANCE } from './harness/tolerance';

const io = [['current', 'original'], ['loss']] as const;

/** Feature maps (1, C, H, W), non-square, and content weights from tiny to the course's ~5e-2 and above. */
const contentSamples = (maxC: number, maxHW: number) =>
  samples(
    fc.record({ C: dim(1, maxC), H: dim(1, maxHW), W: dim(1, maxHW), content_weight: fc.constantFrom(0, 1e-3, 0.05, 1, 6) }),
    ({ C, H, W, content_weight }, rng) => ({
      inputs: { current: randnTensor([1, C, H, W], rng), original: randnTensor([1, C, H, W], rng) },
      params: { content_weight },
    }),
  );

const ok = { current: tensor([1, 2, 2, 2]), original: tensor([1, 2, 2, 2]) };
const same = randnTensor([1, 3, 4, 5], makeRng('content-edge'));

export const content_loss: OpDef = {
  id: 'content_loss',
  inputs: [
    { name: 'current', kind: 'float', differentiable: true },
    { name: 'original', kind: 'float', differentiable: false },
  ],
  outputs: ['loss'],
  reference: courseImpl(...io, ref.contentLossForward, ref.contentLossBackward),
  twin: courseImpl(...io, twin.contentLossForward, twin.contentLossBackward),
  validate: ({ current, original }, params) => void ref.validateContentLoss(current, original, params),
  sample: contentSamples(16, 12),
  gradSample: contentSamples(3, 4),
  // A float32 sum of C·H·W squares (each ~2): rounding grows like √length.
  tolerance: ({ inputs }) => scaledAtol(TWIN_TOLERANCE, numel(inputs.current.shape)),
  edgeCases: [
    makeSample({ current: same, original: same }, { content_weight: 1 }), // the content itself: loss and gradient 0
    makeSample({ current: tensor([1, 1, 1, 1], [2]), original: tensor([1, 1, 1, 1], [-1]) }, { content_weight: 0.5 }),
  ],
  errors: [
    {
      title: 'batch of 2',
      sample: makeSample({ current: tensor([2, 2, 2, 2]), original: tensor([2, 2, 2, 2]) }, { content_weight: 1 }),
      message: 'content_loss: current: expected shape [1, C, H, W], got [2, 2, 2, 2]',
    },
    {
      title: 'original shape differs',
      sample: makeSample({ ...ok, original: tensor([1, 2, 2, 3]) }, { content_weight: 1 }),
      message: 'content_loss: original: expected shape [1, 2, 2, 2] (the shape of current), got [1, 2, 2, 3]',
    },
    { title: 'missing content_weight', sample: makeSample(ok), message: 'content_loss: content_weight: expected a number ≥ 0, got undefined' },
    {
      title: 'NaN in original',
      sample: makeSample({ ...ok, original: tensor([1, 2, 2, 2], [0, 0, 0, 0, 0, NaN, 0, 0]) }, { content_weight: 1 }),
      message: 'content_loss: original: expected finite values, got NaN at [0, 1, 0, 1]',
    },
  ],
};
