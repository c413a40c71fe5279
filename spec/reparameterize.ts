import fc from 'fast-check';
import * as twin from '../accelerated/reparameterize';
import * as ref from '../reference/reparameterize';
import { randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const io = [['mu', 'logvar', 'eps'], ['z']] as const;

/** (N, Z) latents, and rank-1/3 shapes too: the op is elementwise. */
const reparameterizeSamples = (maxDim: number) =>
  samples(fc.record({ shape: fc.array(dim(1, maxDim), { minLength: 1, maxLength: 3 }) }), ({ shape }, rng) => ({
    inputs: { mu: randnTensor(shape, rng), logvar: randnTensor(shape, rng), eps: randnTensor(shape, rng) },
  }));

const ok = { mu: tensor([2, 2]), logvar: tensor([2, 2]), eps: tensor([2, 2]) };

export const reparameterize: OpDef = {
  id: 'reparameterize',
  inputs: [
    { name: 'mu', kind: 'float', differentiable: true },
    { name: 'logvar', kind: 'float', differentiable: true },
    { name: 'eps', kind: 'float', differentiable: false },
  ],
  outputs: ['z'],
  reference: courseImpl(...io, ref.reparameterizeForward, ref.reparameterizeBackward),
  twin: courseImpl(...io, twin.reparameterizeForward, twin.reparameterizeBackward),
  validate: ({ mu, logvar, eps }) => void ref.validateReparameterize(mu, logvar, eps),
  sample: reparameterizeSamples(24),
  gradSample: reparameterizeSamples(4),
  edgeCases: [
    makeSample({ mu: tensor([1, 2], [0.5, -1]), logvar: tensor([1, 2], [0, 0]), eps: tensor([1, 2], [0, 0]) }), // eps = 0: z = mu
    makeSample({ mu: tensor([2, 2], [0, 1, 2, 3]), logvar: tensor([2, 2], [-6, 6, 0, 2]), eps: tensor([2, 2], [1, -1, 0.5, 2]) }),
  ],
  errors: [
    {
      title: 'logvar shape differs',
      sample: makeSample({ ...ok, logvar: tensor([2, 3]) }),
      message: 'reparameterize: logvar: expected shape [2, 2] (the shape of mu), got [2, 3]',
    },
    {
      title: 'eps shape differs',
      sample: makeSample({ ...ok, eps: tensor([4]) }),
      message: 'reparameterize: eps: expected shape [2, 2] (the shape of mu), got [4]',
    },
    {
      title: 'NaN in eps',
      sample: makeSample({ ...ok, eps: tensor([2, 2], [0, 0, 0, NaN]) }),
      message: 'reparameterize: eps: expected finite values, got NaN at [1, 1]',
    },
    {
      title: 'empty mu',
      sample: makeSample({ mu: tensor([0, 2]), logvar: tensor([0, 2]), eps: tensor([0, 2]) }),
      message: 'reparameterize: mu: expected a non-empty tensor, got shape [0, 2]',
    },
  ],
};
