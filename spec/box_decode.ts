import * as twin from '../accelerated/box_decode';
import * as ref from '../reference/box_decode';
import { tensor } from '../reference/tensor';
import { makeSample } from './harness/arbitraries';
import { codingSamples } from './box_encode';
import { courseImpl, type OpDef } from './harness/op';

const inputs = ['deltas', 'anchors'];
const io = [inputs, ['boxes']] as const;
const ok = { deltas: tensor([2, 4], [0, 0, 0, 0, 0.5, -0.5, 0.1, 0.2]), anchors: tensor([2, 4], [0, 0, 1, 1, 1, 1, 3, 3]) };

export const box_decode: OpDef = {
  id: 'box_decode',
  inputs: inputs.map((name) => ({ name, kind: 'float', differentiable: true })),
  outputs: ['boxes'],
  reference: courseImpl(...io, ref.boxDecodeForward, ref.boxDecodeBackward),
  twin: courseImpl(...io, twin.boxDecodeForward, twin.boxDecodeBackward),
  validate: ({ deltas, anchors }) => void ref.validateBoxDecode(deltas, anchors),
  sample: codingSamples(300, 'deltas'),
  gradSample: codingSamples(4, 'deltas'),
  edgeCases: [
    // Zero deltas: the anchor itself.
    makeSample({ deltas: tensor([1, 4], [0, 0, 0, 0]), anchors: tensor([1, 4], [1, 2, 5, 4]) }),
    // The inverse of box_encode's second edge case: (0, −2, 4, 2).
    makeSample({ deltas: tensor([1, 4], [0.5, -0.5, Math.LN2, Math.LN2]), anchors: tensor([1, 4], [0, 0, 2, 2]) }),
  ],
  errors: [
    {
      title: 'deltas of rank 1',
      sample: makeSample({ ...ok, deltas: tensor([8]) }),
      message: 'box_decode: deltas: expected shape [2, 4] (K = 2 from anchors), got [8]',
    },
    {
      title: 'anchors with 3 columns',
      sample: makeSample({ ...ok, anchors: tensor([2, 3]) }),
      message: 'box_decode: anchors: expected shape [K, 4], got [2, 3]',
    },
    {
      title: 'zero-width anchor',
      sample: makeSample({ ...ok, anchors: tensor([2, 4], [0, 0, 0, 1, 1, 1, 3, 3]) }),
      message: 'box_decode: anchors: expected boxes with x1 < x2 and y1 < y2, got [0, 0, 0, 1] at [0]',
    },
    {
      title: 'Infinity in deltas',
      sample: makeSample({ ...ok, deltas: tensor([2, 4], [0, 0, Infinity, 0, 0.5, -0.5, 0.1, 0.2]) }),
      message: 'box_decode: deltas: expected finite values, got Infinity at [0, 2]',
    },
  ],
};
