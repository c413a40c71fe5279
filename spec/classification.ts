import fc from 'fast-check';
import { validateScoresAndLabels } from '../reference/classification';
import { randintTensor, randnTensor, type Rng } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import type { ErrorCase, InputSpec, OpRow } from './harness/op';

/** What the classification-loss rows (svm_loss, softmax_loss) share: inputs, samples, errors. */
export const lossInputs: InputSpec[] = [
  { name: 'x', kind: 'float', differentiable: true },
  { name: 'y', kind: 'int', differentiable: false },
];

export const validateLoss =
  (op: string): OpRow['validate'] =>
  ({ x, y }) =>
    void validateScoresAndLabels(op, x, y);

/** Scores x (N, C) with labels y, optionally post-processed (e.g. to keep margins off a kink). */
export const lossSamples = (maxN: number, maxC: number, scale: number, adjust?: (x: Tensor, y: Tensor) => void) =>
  samples(fc.record({ N: dim(1, maxN), C: dim(1, maxC) }), ({ N, C }, rng: Rng) => {
    const x = randnTensor([N, C], rng, scale);
    const y = randintTensor([N], rng, C);
    adjust?.(x, y);
    return { inputs: { x, y } };
  });

/** One class; a sample scored right and one wrong; tied scores, large scores and a near-tie (no hinge kink). */
export const lossEdgeCases = [
  makeSample({ x: tensor([1, 1], [0.3]), y: tensor([1], [0]) }),
  makeSample({ x: tensor([2, 3], [1, 2, 3, 3, 1.5, 1]), y: tensor([2], [0, 0]) }),
  makeSample({ x: tensor([3, 4], [0, 0, 0, 0, 5, -5, 5, -5, 1, 2, 3.5, 4]), y: tensor([3], [1, 2, 3]) }),
];

export function lossErrors(op: string): ErrorCase[] {
  const x = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
  const y = tensor([2], [0, 2]);
  return [
    { title: 'x of rank 1', sample: makeSample({ x: tensor([3]), y }), message: `${op}: x: expected rank 2, got rank 1 (shape [3])` },
    { title: 'y length differs from N', sample: makeSample({ x, y: tensor([3]) }), message: `${op}: y: expected shape [2] (N = 2 from x), got [3]` },
    { title: 'label out of range', sample: makeSample({ x, y: tensor([2], [0, 3]) }), message: `${op}: y: expected labels in [0, 2], got 3 at [1]` },
    { title: 'negative label', sample: makeSample({ x, y: tensor([2], [-1, 0]) }), message: `${op}: y: expected labels in [0, 2], got -1 at [0]` },
    { title: 'non-integer label', sample: makeSample({ x, y: tensor([2], [0, 1.5]) }), message: `${op}: y: expected integer labels, got 1.5 at [1]` },
    { title: 'NaN in x', sample: makeSample({ x: tensor([2, 3], [1, 2, 3, 4, NaN, 6]), y }), message: `${op}: x: expected finite values, got NaN at [1, 1]` },
    {
      title: 'Infinity in x',
      sample: makeSample({ x: tensor([2, 3], [Infinity, 2, 3, 4, 5, 6]), y }),
      message: `${op}: x: expected finite values, got Infinity at [0, 0]`,
    },
  ];
}
