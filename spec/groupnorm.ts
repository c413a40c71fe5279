import fc from 'fast-check';
import * as twin from '../accelerated/groupnorm';
import * as ref from '../reference/groupnorm';
import type { Rng } from '../reference/rng';
import { dim, makeSample } from './harness/arbitraries';
import { epsParams, fixedSample, layoutTolerance, normSamples, ramp, scaleShiftErrors, scaleShiftInputs, scaleShiftTensors } from './normalization';
import { courseImpl, type Params, type OpDef } from './harness/op';

const io = [['x', 'gamma', 'beta'], ['out']] as const;

const tensors = (rng: Rng, shape: number[], { G }: Params) => scaleShiftTensors(rng, shape, ref.groupnormLayout(shape, G as number));

interface Limits {
  N: number;
  G: number;
  Cg: number;
  size: number;
}

/** C = G·(C/G): G = 1 is layer norm over (C, H, W), C/G = 1 instance norm. */
const groupnormSamples = (max: Limits) =>
  normSamples(
    fc.record({ N: dim(1, max.N), G: dim(1, max.G), Cg: dim(1, max.Cg), H: dim(1, max.size), W: dim(1, max.size) }),
    ({ G }) => epsParams.map((p) => ({ ...p, G })),
    ({ N, G, Cg, H, W }) => [N, G * Cg, H, W],
    tensors,
  );

const ok = { x: ramp([2, 6, 2, 2]), gamma: ramp([6]), beta: ramp([6]) };

export const groupnorm: OpDef = {
  id: 'groupnorm',
  inputs: scaleShiftInputs,
  outputs: ['out'],
  reference: courseImpl(...io, ref.groupnormForward, ref.groupnormBackward),
  twin: courseImpl(...io, twin.groupnormForward, twin.groupnormBackward),
  validate: ({ x, gamma, beta }, params) => void ref.validateGroupnorm(x, gamma, beta, params),
  sample: groupnormSamples({ N: 3, G: 4, Cg: 4, size: 7 }),
  gradSample: groupnormSamples({ N: 2, G: 2, Cg: 2, size: 3 }),
  tolerance: ({ inputs: { x }, params }) => layoutTolerance(ref.groupnormLayout(x.shape, params.G as number)),
  edgeCases: [
    // G = 1: layer norm over (C, H, W).
    fixedSample(1, (rng) => tensors(rng, [2, 3, 2, 2], { G: 1 }), { G: 1 }),
    // G = C: instance norm, non-square odd planes, eps 1e-3.
    fixedSample(2, (rng) => tensors(rng, [2, 3, 3, 5], { G: 3 }), { G: 3, eps: 1e-3 }),
    // 1×1 planes with G = C: one value per group, zero variance, out = β.
    fixedSample(3, (rng) => tensors(rng, [2, 4, 1, 1], { G: 4 }), { G: 4 }),
    // Groups of 2 channels, batch of 1.
    fixedSample(4, (rng) => tensors(rng, [1, 6, 2, 3], { G: 3 }), { G: 3 }),
  ],
  errors: [
    ...scaleShiftErrors('groupnorm', ok, { G: 2 }, 'C'),
    {
      title: 'G not a divisor of C',
      sample: makeSample(ok, { G: 4 }),
      message: 'groupnorm: G: expected a divisor of C = 6 (from x), got 4',
    },
    {
      title: 'G 0',
      sample: makeSample(ok, { G: 0 }),
      message: 'groupnorm: G: expected an integer ≥ 1, got 0',
    },
    {
      title: 'no G',
      sample: makeSample(ok, {}),
      message: 'groupnorm: G: expected an integer ≥ 1, got undefined',
    },
  ],
};
