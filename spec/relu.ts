import fc from 'fast-check';
import * as twin from '../accelerated/relu';
import * as ref from '../reference/relu';
import { randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { awayFrom, dim, makeSample, samples } from './arbitraries';
import { courseImpl, type OpRow } from './op';

/** Values kept 1e-3 away from the kink at 0, where the gradient jumps. */
const reluSamples = (maxDim: number) =>
  samples(fc.array(dim(1, maxDim), { minLength: 1, maxLength: 4 }), (shape, rng) => {
    const x = randnTensor(shape, rng);
    awayFrom(x.data, 0, 1e-3);
    return { inputs: { x } };
  });

export const relu: OpRow = {
  id: 'relu',
  section: 'Classification and building blocks',
  inputs: [{ name: 'x', kind: 'float', differentiable: true }],
  outputs: ['out'],
  reference: courseImpl(['x'], ['out'], ref.reluForward, ref.reluBackward),
  twin: courseImpl(['x'], ['out'], twin.reluForward, twin.reluBackward),
  validate: ({ x }) => ref.validateRelu(x),
  sample: reluSamples(9),
  gradSample: reluSamples(4),
  edgeCases: [makeSample({ x: tensor([2, 3], [-2, -0.5, 0.25, 1, -1e-3, 3]) })],
  kinks: {
    convention: 'at x = 0 the gradient is 0 (the subgradient chosen, as PyTorch does): dx = dout where x > 0, else 0',
    cases: [makeSample({ x: tensor([2, 3], [0, -1, 2, 0, 0.5, -0]) })],
  },
  errors: [
    {
      title: 'empty x',
      sample: makeSample({ x: tensor([0, 3]) }),
      message: 'relu: x: expected a non-empty tensor, got shape [0, 3]',
    },
    {
      title: 'NaN in x',
      sample: makeSample({ x: tensor([2, 2], [1, NaN, 3, 4]) }),
      message: 'relu: x: expected finite values, got NaN at [0, 1]',
    },
  ],
};
