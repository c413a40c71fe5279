import fc from 'fast-check';
import * as twin from '../accelerated/box_encode';
import * as ref from '../reference/box_encode';
import { randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { randomBoxes } from './boxes';
import { courseImpl, type OpDef } from './harness/op';

/** K boxes with K anchors (sizes ≥ 0.5), and deltas ~ N(0, 0.5²) for decoding: the coding is smooth, no kinks to avoid. */
export const codingSamples = (maxK: number, first: 'boxes' | 'deltas') =>
  samples(fc.record({ K: dim(1, maxK) }), ({ K }, rng) => ({
    inputs: { [first]: first === 'boxes' ? randomBoxes(K, rng) : randnTensor([K, 4], rng, 0.5), anchors: randomBoxes(K, rng) },
  }));

const inputs = ['boxes', 'anchors'];
const io = [inputs, ['deltas']] as const;
const ok = { boxes: tensor([2, 4], [0, 0, 2, 2, 1, 1, 4, 3]), anchors: tensor([2, 4], [0, 0, 1, 1, 1, 1, 3, 3]) };

export const box_encode: OpDef = {
  id: 'box_encode',
  inputs: inputs.map((name) => ({ name, kind: 'float', differentiable: true })),
  outputs: ['deltas'],
  reference: courseImpl(...io, ref.boxEncodeForward, ref.boxEncodeBackward),
  twin: courseImpl(...io, twin.boxEncodeForward, twin.boxEncodeBackward),
  validate: ({ boxes, anchors }) => void ref.validateBoxEncode(boxes, anchors),
  sample: codingSamples(300, 'boxes'),
  gradSample: codingSamples(4, 'boxes'),
  edgeCases: [
    // A box equal to its anchor: deltas 0.
    makeSample({ boxes: tensor([1, 4], [1, 2, 5, 4]), anchors: tensor([1, 4], [1, 2, 5, 4]) }),
    // Shifted by half the anchor and twice its size: (0.5, −0.5, log 2, log 2).
    makeSample({ boxes: tensor([1, 4], [0, -2, 4, 2]), anchors: tensor([1, 4], [0, 0, 2, 2]) }),
  ],
  errors: [
    { title: 'boxes of rank 1', sample: makeSample({ ...ok, boxes: tensor([4]) }), message: 'box_encode: boxes: expected rank 2, got rank 1 (shape [4])' },
    {
      title: 'anchors count differs from K',
      sample: makeSample({ ...ok, anchors: tensor([3, 4]) }),
      message: 'box_encode: anchors: expected shape [2, 4] (K = 2 from boxes), got [3, 4]',
    },
    {
      title: 'zero-width box',
      sample: makeSample({ ...ok, boxes: tensor([2, 4], [0, 0, 2, 2, 1, 1, 1, 3]) }),
      message: 'box_encode: boxes: expected boxes with x1 < x2 and y1 < y2, got [1, 1, 1, 3] at [1]',
    },
    {
      title: 'zero-height anchor',
      sample: makeSample({ ...ok, anchors: tensor([2, 4], [0, 0, 1, 0, 1, 1, 3, 3]) }),
      message: 'box_encode: anchors: expected boxes with x1 < x2 and y1 < y2, got [0, 0, 1, 0] at [0]',
    },
    {
      title: 'NaN in boxes',
      sample: makeSample({ ...ok, boxes: tensor([2, 4], [0, 0, NaN, 2, 1, 1, 4, 3]) }),
      message: 'box_encode: boxes: expected finite values, got NaN at [0, 2]',
    },
  ],
};
