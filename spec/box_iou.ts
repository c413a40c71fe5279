import fc from 'fast-check';
import * as twin from '../accelerated/box_iou';
import * as ref from '../reference/box_iou';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { copyBox, flattenBox, kinkFreeBoxes, randomBoxes } from './boxes';
import { courseImpl, type OpDef } from './harness/op';

const inputs = ['boxes1', 'boxes2'];

/**
 * Random boxes; `special` also makes one pair identical and one box of each set zero-area (kinks
 * of IoU: for the twin comparison, which takes the same branch there, not for the gradient check).
 */
const iouSamples = (maxK: number, maxM: number, special: boolean) =>
  samples(fc.record({ K: dim(1, maxK), M: dim(1, maxM) }), ({ K, M }, rng) => {
    if (!special) {
      const [boxes1, boxes2] = kinkFreeBoxes([K, M], rng);
      return { inputs: { boxes1, boxes2 } };
    }
    const [boxes1, boxes2] = [randomBoxes(K, rng), randomBoxes(M, rng)];
    copyBox(boxes1, 0, boxes2, M - 1);
    flattenBox(boxes1, K - 1, 0);
    flattenBox(boxes2, 0, 1);
    return { inputs: { boxes1, boxes2 } };
  });

const ok = { boxes1: tensor([1, 4], [0, 0, 2, 2]), boxes2: tensor([2, 4], [1, 1, 3, 3, 0, 0, 1, 1]) };

export const box_iou: OpDef = {
  id: 'box_iou',
  inputs: inputs.map((name) => ({ name, kind: 'float', differentiable: true })),
  outputs: ['out'],
  reference: courseImpl(inputs, ['out'], ref.boxIouForward, ref.boxIouBackward),
  twin: courseImpl(inputs, ['out'], twin.boxIouForward, twin.boxIouBackward),
  validate: ({ boxes1, boxes2 }) => void ref.validateBoxIou(boxes1, boxes2),
  sample: fc.oneof(iouSamples(40, 70, false), iouSamples(12, 12, true)),
  gradSample: iouSamples(4, 4, false),
  edgeCases: [
    // docs/ops.md's check: inter 70·60 = 4200, union 7200 + 7000 − 4200 = 10000, IoU 0.42 (spec/detection.test.ts).
    makeSample({ boxes1: tensor([1, 4], [70, 70, 160, 150]), boxes2: tensor([1, 4], [40, 60, 140, 130]) }),
    // Nested, partly overlapping and disjoint pairs (no coordinate ties: smooth everywhere).
    makeSample({ boxes1: tensor([2, 4], [0, 0, 4, 4, 10, 10, 11, 13]), boxes2: tensor([3, 4], [1, 1.5, 3, 2.5, 2, 3, 6, 5, 20, 20, 21, 22]) }),
  ],
  kinks: {
    convention:
      'where two overlap edges tie the gradient goes to the boxes1 edge; boxes that only touch (overlap width or height 0) pass no overlap gradient; two zero-area boxes (union 0) get no gradient',
    cases: [
      // Identical boxes: every overlap edge is a tie.
      makeSample({ boxes1: tensor([1, 4], [0, 0, 2, 2]), boxes2: tensor([1, 4], [0, 0, 2, 2]) }),
      // Touching along x = 1, then along y = 1.
      makeSample({ boxes1: tensor([1, 4], [0, 0, 1, 1]), boxes2: tensor([2, 4], [1, 0, 2, 1, 0, 1, 1, 2]) }),
      // The same point twice: IoU 0, no gradient.
      makeSample({ boxes1: tensor([1, 4], [1, 1, 1, 1]), boxes2: tensor([1, 4], [1, 1, 1, 1]) }),
    ],
  },
  errors: [
    { title: 'boxes1 of rank 1', sample: makeSample({ ...ok, boxes1: tensor([4]) }), message: 'box_iou: boxes1: expected rank 2, got rank 1 (shape [4])' },
    { title: 'boxes2 with 5 columns', sample: makeSample({ ...ok, boxes2: tensor([2, 5]) }), message: 'box_iou: boxes2: expected shape [K, 4], got [2, 5]' },
    {
      title: 'x2 < x1',
      sample: makeSample({ ...ok, boxes2: tensor([2, 4], [1, 1, 3, 3, 2, 0, 1, 1]) }),
      message: 'box_iou: boxes2: expected boxes with x1 ≤ x2 and y1 ≤ y2, got [2, 0, 1, 1] at [1]',
    },
    { title: 'no boxes', sample: makeSample({ ...ok, boxes1: tensor([0, 4]) }), message: 'box_iou: boxes1: expected a non-empty tensor, got shape [0, 4]' },
    {
      title: 'NaN in boxes1',
      sample: makeSample({ ...ok, boxes1: tensor([1, 4], [0, NaN, 2, 2]) }),
      message: 'box_iou: boxes1: expected finite values, got NaN at [0, 1]',
    },
  ],
};
