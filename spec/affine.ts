import fc from 'fast-check';
import * as twin from '../accelerated/affine';
import * as ref from '../reference/affine';
import { randnTensor } from '../reference/rng';
import { numel, tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const inputs = ['x', 'w', 'b'];

/** Any sizes, and sizes with D and M multiples of 4 (the matmul's vec4 fast path). */
const affineSizes = (maxN: number, maxDim: number, maxM: number) =>
  fc.oneof(
    fc.record({ N: dim(1, maxN), dims: fc.array(dim(1, maxDim), { minLength: 1, maxLength: 3 }), M: dim(1, maxM) }),
    fc.record({
      N: dim(1, maxN),
      dims: fc.tuple(dim(1, maxDim), dim(1, 4)).map(([c, q]) => [c, 4 * q]),
      M: dim(1, Math.ceil(maxM / 4)).map((m) => 4 * m),
    }),
  );

const affineSamples = (maxN: number, maxDim: number, maxM: number) =>
  samples(affineSizes(maxN, maxDim, maxM), ({ N, dims, M }, rng) => ({
    inputs: {
      x: randnTensor([N, ...dims], rng),
      w: randnTensor([numel(dims), M], rng),
      b: randnTensor([M], rng),
    },
  }));

const ok = { x: tensor([2, 3, 4]), w: tensor([12, 5]), b: tensor([5]) };

export const affine: OpDef = {
  id: 'affine',
  inputs: inputs.map((name) => ({ name, kind: 'float', differentiable: true })),
  outputs: ['out'],
  reference: courseImpl(inputs, ['out'], ref.affineForward, ref.affineBackward),
  twin: courseImpl(inputs, ['out'], twin.affineForward, twin.affineBackward),
  validate: ({ x, w, b }) => void ref.validateAffine(x, w, b),
  // Up to 40×70 outputs, so the 32×32 matmul tiles are crossed and their edges exercised.
  sample: affineSamples(40, 6, 70),
  gradSample: affineSamples(4, 3, 6),
  edgeCases: [
    makeSample({ x: tensor([1, 1], [2]), w: tensor([1, 1], [-3]), b: tensor([1], [0.5]) }),
    makeSample({ x: tensor([2, 2, 3], [1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6]), w: tensor([6, 1], [1, 0, -1, 0.5, 0.25, 2]), b: tensor([1], [1]) }),
  ],
  errors: [
    {
      title: 'x of rank 1',
      sample: makeSample({ ...ok, x: tensor([5]) }),
      message: 'affine: x: expected rank ≥ 2, got rank 1 (shape [5])',
    },
    {
      title: 'w of rank 3',
      sample: makeSample({ ...ok, w: tensor([12, 5, 1]) }),
      message: 'affine: w: expected rank 2, got rank 3 (shape [12, 5, 1])',
    },
    {
      title: 'w rows differ from D',
      sample: makeSample({ ...ok, w: tensor([10, 5]) }),
      message: 'affine: w: expected shape [12, M] (D = 12 from x), got [10, 5]',
    },
    {
      title: 'b length differs from M',
      sample: makeSample({ ...ok, b: tensor([4]) }),
      message: 'affine: b: expected shape [5] (M = 5 from w), got [4]',
    },
    {
      title: 'NaN in x',
      sample: makeSample({
        ...ok,
        x: tensor(
          [2, 3, 4],
          Array.from({ length: 24 }, (_, i) => (i === 7 ? NaN : i)),
        ),
      }),
      message: 'affine: x: expected finite values, got NaN at [0, 1, 3]',
    },
  ],
};
