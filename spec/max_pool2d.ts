import * as twin from '../accelerated/max_pool2d';
import * as ref from '../reference/max_pool2d';
import { tensor } from '../reference/tensor';
import { makeSample } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';
import { distinctTensor, poolEdgeCases, poolErrors, poolInput, poolSamples } from './pooling';

const io = [['x'], ['out', 'indices']] as const;

export const max_pool2d: OpDef = {
  id: 'max_pool2d',
  inputs: [poolInput],
  outputs: ['out', 'indices'],
  // indices is an integer output: it gets no upstream gradient.
  gradOutputs: ['out'],
  reference: courseImpl(...io, ref.maxPool2dForward, ref.maxPool2dBackward),
  twin: courseImpl(...io, twin.maxPool2dForward, twin.maxPool2dBackward),
  validate: ({ x }, params) => void ref.validateMaxPool2d(x, params),
  // Distinct values everywhere (distinctTensor): no ties, so the argmax and its gradient are exact.
  sample: poolSamples({ N: 3, C: 4, size: 12, pool: 4, stride: 3 }, distinctTensor),
  gradSample: poolSamples({ N: 2, C: 2, size: 6, pool: 3, stride: 2 }, distinctTensor),
  edgeCases: poolEdgeCases(distinctTensor),
  kinks: {
    convention: 'on a tie the first maximum in row-major window order is the argmax and takes the gradient (as PyTorch)',
    // Overlapping 2×2 windows over [[5, 5, 1], [5, 2, 5]]: each window holds a tie at 5.
    cases: [makeSample({ x: tensor([1, 1, 2, 3], [5, 5, 1, 5, 2, 5]) }, { pool_height: 2, pool_width: 2, stride: 1 })],
  },
  errors: poolErrors('max_pool2d'),
};
