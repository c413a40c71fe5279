import * as twin from '../accelerated/avg_pool2d';
import * as ref from '../reference/avg_pool2d';
import { randnTensor } from '../reference/rng';
import { courseImpl, type OpDef } from './harness/op';
import { poolEdgeCases, poolErrors, poolInput, poolSamples } from './pooling';

const io = [['x'], ['out']] as const;

export const avg_pool2d: OpDef = {
  id: 'avg_pool2d',
  inputs: [poolInput],
  outputs: ['out'],
  reference: courseImpl(...io, ref.avgPool2dForward, ref.avgPool2dBackward),
  twin: courseImpl(...io, twin.avgPool2dForward, twin.avgPool2dBackward),
  validate: ({ x }, params) => void ref.validateAvgPool2d(x, params),
  sample: poolSamples({ N: 3, C: 4, size: 12, pool: 4, stride: 3 }, randnTensor),
  gradSample: poolSamples({ N: 2, C: 2, size: 6, pool: 3, stride: 2 }, randnTensor),
  edgeCases: poolEdgeCases(randnTensor),
  errors: poolErrors('avg_pool2d'),
};
