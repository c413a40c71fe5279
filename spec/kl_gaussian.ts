import fc from 'fast-check';
import * as twin from '../accelerated/kl_gaussian';
import * as ref from '../reference/kl_gaussian';
import { randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';
import { scaledAtol, TWIN_TOLERANCE } from './harness/tolerance';

const io = [['mu', 'logvar'], ['loss']] as const;

/** Encoder outputs: means ~N(0, 1), log-variances ~N(0, 1). */
const klSamples = (maxN: number, maxZ: number) =>
  samples(fc.record({ N: dim(1, maxN), Z: dim(1, maxZ) }), ({ N, Z }, rng) => ({
    inputs: { mu: randnTensor([N, Z], rng), logvar: randnTensor([N, Z], rng) },
  }));

const ok = { mu: tensor([2, 2], [0, 1, -1, 0.5]), logvar: tensor([2, 2], [0, -1, 1, 0]) };

export const kl_gaussian: OpDef = {
  id: 'kl_gaussian',
  inputs: [
    { name: 'mu', kind: 'float', differentiable: true },
    { name: 'logvar', kind: 'float', differentiable: true },
  ],
  outputs: ['loss'],
  reference: courseImpl(...io, ref.klGaussianForward, ref.klGaussianBackward),
  twin: courseImpl(...io, twin.klGaussianForward, twin.klGaussianBackward),
  validate: ({ mu, logvar }) => void ref.validateKlGaussian(mu, logvar),
  sample: klSamples(40, 20),
  gradSample: klSamples(4, 5),
  // The loss sums Z terms per sample (each ~1, from e^logvar): float32 rounding grows like √Z.
  tolerance: ({ inputs }) => scaledAtol(TWIN_TOLERANCE, inputs.mu.shape[1]),
  edgeCases: [
    makeSample({ mu: tensor([1, 3], [0, 0.1, -0.2]), logvar: tensor([1, 3], [0.3, -0.1, 0.2]) }), // near the prior: a small loss
    makeSample({ mu: tensor([2, 1], [3, -2]), logvar: tensor([2, 1], [-5, 4]) }), // far from the prior
  ],
  errors: [
    {
      title: 'mu of rank 1',
      sample: makeSample({ mu: tensor([4]), logvar: tensor([4]) }),
      message: 'kl_gaussian: mu: expected rank 2, got rank 1 (shape [4])',
    },
    {
      title: 'logvar shape differs',
      sample: makeSample({ ...ok, logvar: tensor([2, 3]) }),
      message: 'kl_gaussian: logvar: expected shape [2, 2] (the shape of mu), got [2, 3]',
    },
    {
      title: 'Infinity in logvar',
      sample: makeSample({ ...ok, logvar: tensor([2, 2], [0, 0, Infinity, 0]) }),
      message: 'kl_gaussian: logvar: expected finite values, got Infinity at [1, 0]',
    },
  ],
};
