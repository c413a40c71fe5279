import fc from 'fast-check';
import * as twin from '../accelerated/layernorm';
import * as ref from '../reference/layernorm';
import type { Rng } from '../reference/rng';
import { dim } from './harness/arbitraries';
import { epsParams, fixedSample, layoutTolerance, normSamples, ramp, scaleShiftErrors, scaleShiftInputs, scaleShiftTensors } from './normalization';
import { courseImpl, type OpDef } from './harness/op';

const io = [['x', 'gamma', 'beta'], ['out']] as const;

const tensors = (rng: Rng, shape: number[]) => scaleShiftTensors(rng, shape, ref.layernormLayout(shape));

const layernormSamples = (maxN: number, maxD: number) =>
  normSamples(
    fc.record({ N: dim(1, maxN), D: dim(1, maxD) }),
    () => epsParams,
    ({ N, D }) => [N, D],
    tensors,
  );

export const layernorm: OpDef = {
  id: 'layernorm',
  inputs: scaleShiftInputs,
  outputs: ['out'],
  reference: courseImpl(...io, ref.layernormForward, ref.layernormBackward),
  twin: courseImpl(...io, twin.layernormForward, twin.layernormBackward),
  validate: ({ x, gamma, beta }, params) => void ref.validateLayernorm(x, gamma, beta, params),
  sample: layernormSamples(70, 80),
  gradSample: layernormSamples(4, 5),
  tolerance: ({ inputs: { x } }) => layoutTolerance(ref.layernormLayout(x.shape)),
  edgeCases: [
    // One feature: zero variance, out = β.
    fixedSample(1, (rng) => tensors(rng, [3, 1]), {}),
    // One sample, eps 1e-3.
    fixedSample(2, (rng) => tensors(rng, [1, 5]), { eps: 1e-3 }),
    // A constant row (exact values: zero variance in float32 too) beside a varied one. At zero
    // variance istd curves on the scale √eps, so eps 1e-3 keeps the 1e-5 difference step's
    // truncation error (≈ h²/eps) below the gradient check's bound, as in batchnorm's case.
    fixedSample(
      3,
      (rng) => tensors(rng, [2, 4]),
      { eps: 1e-3 },
      ({ x }) => x.data.fill(2, 0, 4),
    ),
  ],
  errors: scaleShiftErrors('layernorm', { x: ramp([2, 3]), gamma: ramp([3]), beta: ramp([3]) }, {}, 'D'),
};
