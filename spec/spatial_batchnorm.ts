import fc from 'fast-check';
import * as twin from '../accelerated/spatial_batchnorm';
import { batchnormLayout } from '../reference/normalization';
import type { Rng } from '../reference/rng';
import * as ref from '../reference/spatial_batchnorm';
import { dim } from './harness/arbitraries';
import {
  batchnormErrors,
  batchnormInputs,
  batchnormOutputs,
  batchnormParams,
  batchnormTensors,
  fixedSample,
  layoutTolerance,
  normSamples,
} from './normalization';
import { courseImpl, type OpDef } from './harness/op';

const io = [batchnormInputs.map((i) => i.name), batchnormOutputs] as const;

const tensors = (rng: Rng, shape: number[]) => batchnormTensors(rng, shape, batchnormLayout(shape));

interface Limits {
  N: number;
  C: number;
  size: number;
}

const spatialSamples = (max: Limits) =>
  normSamples(
    fc.record({ N: dim(1, max.N), C: dim(1, max.C), H: dim(1, max.size), W: dim(1, max.size) }),
    () => batchnormParams,
    ({ N, C, H, W }) => [N, C, H, W],
    tensors,
  );

export const spatial_batchnorm: OpDef = {
  id: 'spatial_batchnorm',
  inputs: batchnormInputs,
  outputs: batchnormOutputs,
  gradOutputs: ['out'],
  reference: courseImpl(...io, ref.spatialBatchnormForward, ref.spatialBatchnormBackward),
  twin: courseImpl(...io, twin.spatialBatchnormForward, twin.spatialBatchnormBackward),
  validate: ({ x, gamma, beta, running_mean, running_var }, params) => void ref.validateSpatialBatchnorm(x, gamma, beta, running_mean, running_var, params),
  sample: spatialSamples({ N: 4, C: 6, size: 9 }),
  gradSample: spatialSamples({ N: 2, C: 3, size: 3 }),
  tolerance: ({ inputs: { x } }) => layoutTolerance(batchnormLayout(x.shape)),
  edgeCases: [
    // One value per channel (N = H = W = 1): zero variance, out = β.
    fixedSample(1, (rng) => tensors(rng, [1, 3, 1, 1]), { mode: 'train' }),
    // Non-square planes, odd sizes, test mode with the defaults.
    fixedSample(2, (rng) => tensors(rng, [2, 2, 3, 5]), { mode: 'test' }),
    // Batch of 1 (statistics over H, W only), eps 1e-3, momentum 0.5.
    fixedSample(3, (rng) => tensors(rng, [1, 4, 2, 3]), { mode: 'train', eps: 1e-3, momentum: 0.5 }),
  ],
  errors: batchnormErrors('spatial_batchnorm', [2, 3, 2, 2], 'C'),
};
