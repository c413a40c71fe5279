import fc from 'fast-check';
import * as twin from '../accelerated/relu';
import * as ref from '../reference/relu';
import { randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { awayFrom, dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

/**
 * Random x. For the gradient check, values are kept 1e-3 away from the kink at 0, where the
 * gradient jumps; elsewhere (random grading cases, the twin) about one element in eight is exactly
 * 0, where the backward must follow the row's stated convention.
 */
const reluSamples = (maxDim: number, { atKink }: { atKink: boolean }) =>
  samples(fc.array(dim(1, maxDim), { minLength: 1, maxLength: 4 }), (shape, rng) => {
    const x = randnTensor(shape, rng);
    if (!atKink) awayFrom(x.data, 0, 1e-3);
    else for (let i = 0; i < x.data.length; i++) if (rng() < 1 / 8) x.data[i] = 0;
    return { inputs: { x } };
  });

export const relu: OpDef = {
  id: 'relu',
  inputs: [{ name: 'x', kind: 'float', differentiable: true }],
  outputs: ['out'],
  reference: courseImpl(['x'], ['out'], ref.reluForward, ref.reluBackward),
  twin: courseImpl(['x'], ['out'], twin.reluForward, twin.reluBackward),
  validate: ({ x }) => ref.validateRelu(x),
  sample: reluSamples(9, { atKink: true }),
  gradSample: reluSamples(4, { atKink: false }),
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
