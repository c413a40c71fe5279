import fc from 'fast-check';
import * as twin from '../accelerated/batchnorm';
import * as ref from '../reference/batchnorm';
import { batchnormLayout } from '../reference/normalization';
import type { Rng } from '../reference/rng';
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

const batchnormSamples = (maxN: number, maxD: number) =>
  normSamples(
    fc.record({ N: dim(1, maxN), D: dim(1, maxD) }),
    () => batchnormParams,
    ({ N, D }) => [N, D],
    tensors,
  );

export const batchnorm: OpDef = {
  id: 'batchnorm',
  inputs: batchnormInputs,
  outputs: batchnormOutputs,
  gradOutputs: ['out'],
  reference: courseImpl(...io, ref.batchnormForward, ref.batchnormBackward),
  twin: courseImpl(...io, twin.batchnormForward, twin.batchnormBackward),
  validate: ({ x, gamma, beta, running_mean, running_var }, params) => void ref.validateBatchnorm(x, gamma, beta, running_mean, running_var, params),
  // Up to 70 rows and 80 features: more features than one 64-wide workgroup, so the grid's edge is crossed.
  sample: batchnormSamples(70, 80),
  gradSample: batchnormSamples(5, 4),
  tolerance: ({ inputs: { x } }) => layoutTolerance(batchnormLayout(x.shape)),
  edgeCases: [
    // Batch of 1: zero variance, x̂ = 0, out = β; eps alone keeps istd finite.
    fixedSample(1, (rng) => tensors(rng, [1, 3]), { mode: 'train' }),
    // A constant feature (exact values: zero variance in float32 too), momentum 0.5; eps 1e-3 as
    // istd curves on the scale √eps there (see layernorm's constant row).
    fixedSample(
      2,
      (rng) => tensors(rng, [4, 2]),
      { mode: 'train', momentum: 0.5, eps: 1e-3 },
      ({ x }) => {
        for (let n = 0; n < 4; n++) x.data[n * 2] = 0.5;
      },
    ),
    // Test mode with the defaults; momentum 0 and 1 in train mode (running = batch / unchanged).
    fixedSample(3, (rng) => tensors(rng, [3, 2]), { mode: 'test' }),
    fixedSample(4, (rng) => tensors(rng, [6, 1]), { mode: 'train', momentum: 0 }),
    fixedSample(5, (rng) => tensors(rng, [2, 5]), { mode: 'train', momentum: 1 }),
  ],
  errors: batchnormErrors('batchnorm', [3, 4], 'D'),
};
