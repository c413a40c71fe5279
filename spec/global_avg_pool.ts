import fc from 'fast-check';
import * as twin from '../accelerated/global_avg_pool';
import * as ref from '../reference/global_avg_pool';
import { makeRng, randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';
import { poolInput } from './pooling';

const io = [['x'], ['out']] as const;

const globalSamples = (maxN: number, maxC: number, maxSize: number) =>
  samples(fc.record({ N: dim(1, maxN), C: dim(1, maxC), H: dim(1, maxSize), W: dim(1, maxSize) }), ({ N, C, H, W }, rng) => ({
    inputs: { x: randnTensor([N, C, H, W], rng) },
  }));

const fixed = (shape: number[], seed: number) => makeSample({ x: randnTensor(shape, makeRng(seed)) });

export const global_avg_pool: OpDef = {
  id: 'global_avg_pool',
  inputs: [poolInput],
  outputs: ['out'],
  reference: courseImpl(...io, ref.globalAvgPoolForward, ref.globalAvgPoolBackward),
  twin: courseImpl(...io, twin.globalAvgPoolForward, twin.globalAvgPoolBackward),
  validate: ({ x }) => void ref.validateGlobalAvgPool(x),
  // Planes up to 16×16: float32 sums of 256 N(0, 1) terms stay well inside the default atol.
  sample: globalSamples(3, 5, 16),
  gradSample: globalSamples(2, 3, 5),
  edgeCases: [fixed([1, 1, 1, 1], 1), fixed([1, 3, 1, 7], 2), fixed([2, 2, 5, 3], 3)],
  errors: [
    { title: 'x of rank 2', sample: makeSample({ x: tensor([2, 3]) }), message: 'global_avg_pool: x: expected rank 4, got rank 2 (shape [2, 3])' },
    {
      title: 'empty plane',
      sample: makeSample({ x: tensor([2, 3, 0, 4]) }),
      message: 'global_avg_pool: x: expected a non-empty tensor, got shape [2, 3, 0, 4]',
    },
    {
      title: 'Infinity in x',
      sample: makeSample({ x: tensor([1, 2, 2, 2], [0, 1, 2, 3, 4, Infinity, 6, 7]) }),
      message: 'global_avg_pool: x: expected finite values, got Infinity at [0, 1, 0, 1]',
    },
  ],
};
