import fc from 'fast-check';
import * as twin from '../accelerated/triplet_loss';
import { randnTensor } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';
import * as ref from '../reference/triplet_loss';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const io = [['anchor', 'positive', 'negative'], ['loss']] as const;
const KINK_MARGIN = 0.05;

/**
 * Moves each negative along its ray from the anchor until the margin ‖a−p‖² − ‖a−n‖² + α is at
 * least KINK_MARGIN away from the hinge's kink at 0 (to −KINK_MARGIN: that sample turns inactive).
 */
function marginsOffKink(anchor: Tensor, positive: Tensor, negative: Tensor, alpha: number): void {
  const [N, D] = anchor.shape;
  for (let n = 0; n < N; n++) {
    let toPositive = 0;
    let toNegative = 0;
    for (let d = 0; d < D; d++) {
      toPositive += (anchor.data[n * D + d] - positive.data[n * D + d]) ** 2;
      toNegative += (anchor.data[n * D + d] - negative.data[n * D + d]) ** 2;
    }
    const margin = toPositive - toNegative + alpha;
    if (Math.abs(margin) >= KINK_MARGIN || toNegative === 0) continue;
    const stretch = Math.sqrt((toPositive + alpha + KINK_MARGIN) / toNegative);
    for (let d = 0; d < D; d++) {
      const i = n * D + d;
      negative.data[i] = anchor.data[i] + (negative.data[i] - anchor.data[i]) * stretch;
    }
  }
}

/** Embeddings with positives near their anchor and negatives at several distances: active and inactive hinges. */
const tripletSamples = (maxN: number, maxD: number) =>
  samples(
    fc.record({ N: dim(1, maxN), D: dim(1, maxD), alpha: fc.constantFrom(undefined, 0, 1), spread: fc.constantFrom(0.3, 1) }),
    ({ N, D, alpha, spread }, rng) => {
      const anchor = randnTensor([N, D], rng);
      const positive = tensor(
        [N, D],
        anchor.data.map((v) => v + spread * randnTensor([1], rng).data[0]),
      );
      const negative = tensor(
        [N, D],
        anchor.data.map((v) => v + 0.8 * randnTensor([1], rng).data[0]),
      );
      marginsOffKink(anchor, positive, negative, alpha ?? 0.2);
      return { inputs: { anchor, positive, negative }, params: alpha === undefined ? {} : { alpha } };
    },
  );

const ok = { anchor: tensor([2, 2]), positive: tensor([2, 2]), negative: tensor([2, 2]) };

export const triplet_loss: OpDef = {
  id: 'triplet_loss',
  inputs: ['anchor', 'positive', 'negative'].map((name) => ({ name, kind: 'float', differentiable: true })),
  outputs: ['loss'],
  reference: courseImpl(...io, ref.tripletLossForward, ref.tripletLossBackward),
  twin: courseImpl(...io, twin.tripletLossForward, twin.tripletLossBackward),
  validate: ({ anchor, positive, negative }, params) => void ref.validateTripletLoss(anchor, positive, negative, params),
  sample: tripletSamples(40, 24),
  gradSample: tripletSamples(4, 5),
  edgeCases: [
    // one active sample (margin 1 − 0.25 + 0.2) and one inactive (1 − 4 + 0.2)
    makeSample({ anchor: tensor([2, 2], [0, 0, 1, 1]), positive: tensor([2, 2], [1, 0, 1, 2]), negative: tensor([2, 2], [0, 0.5, 3, 1]) }),
    // alpha 0, one sample, positive = anchor: active only if the negative is closer, here it is not
    makeSample({ anchor: tensor([1, 3], [1, 2, 3]), positive: tensor([1, 3], [1, 2, 3]), negative: tensor([1, 3], [1, 2, 2]) }, { alpha: 0 }),
  ],
  kinks: {
    convention: 'a sample whose margin ‖a−p‖² − ‖a−n‖² + alpha is exactly 0 is inactive: it adds nothing to the loss and its subgradient is 0',
    // alpha 1. Sample 0: margin 0 − 1 + 1 = 0 exactly; sample 1: margin 2 − 1 + 1 = 2 (active).
    cases: [makeSample({ anchor: tensor([2, 2], [0, 0, 0, 0]), positive: tensor([2, 2], [0, 0, 1, 1]), negative: tensor([2, 2], [1, 0, 0, 1]) }, { alpha: 1 })],
  },
  errors: [
    {
      title: 'anchor of rank 1',
      sample: makeSample({ anchor: tensor([4]), positive: tensor([4]), negative: tensor([4]) }),
      message: 'triplet_loss: anchor: expected rank 2, got rank 1 (shape [4])',
    },
    {
      title: 'negative shape differs',
      sample: makeSample({ ...ok, negative: tensor([2, 3]) }),
      message: 'triplet_loss: negative: expected shape [2, 2] (the shape of anchor), got [2, 3]',
    },
    { title: 'negative alpha', sample: makeSample(ok, { alpha: -0.1 }), message: 'triplet_loss: alpha: expected a number ≥ 0, got -0.1' },
    {
      title: 'NaN in positive',
      sample: makeSample({ ...ok, positive: tensor([2, 2], [0, NaN, 0, 0]) }),
      message: 'triplet_loss: positive: expected finite values, got NaN at [0, 1]',
    },
  ],
};
