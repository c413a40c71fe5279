import fc from 'fast-check';
import * as twin from '../accelerated/temporal_affine';
import * as ref from '../reference/temporal_affine';
import { randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const inputs = ['x', 'w', 'b'];

/** Any sizes, and sizes with D and M multiples of 4 (the matmul's vec4 fast path). */
const temporalAffineSamples = (maxN: number, maxT: number, maxD: number, maxM: number) =>
  samples(
    fc.oneof(
      fc.record({ N: dim(1, maxN), T: dim(1, maxT), D: dim(1, maxD), M: dim(1, maxM) }),
      fc.record({ N: dim(1, maxN), T: dim(1, maxT), D: dim(1, Math.ceil(maxD / 4)).map((q) => 4 * q), M: dim(1, Math.ceil(maxM / 4)).map((q) => 4 * q) }),
    ),
    ({ N, T, D, M }, rng) => ({ inputs: { x: randnTensor([N, T, D], rng), w: randnTensor([D, M], rng), b: randnTensor([M], rng) } }),
  );

const ok = { x: tensor([2, 3, 4]), w: tensor([4, 5]), b: tensor([5]) };

export const temporal_affine: OpDef = {
  id: 'temporal_affine',
  inputs: inputs.map((name) => ({ name, kind: 'float', differentiable: true })),
  outputs: ['out'],
  reference: courseImpl(inputs, ['out'], ref.temporalAffineForward, ref.temporalAffineBackward),
  twin: courseImpl(inputs, ['out'], twin.temporalAffineForward, twin.temporalAffineBackward),
  validate: ({ x, w, b }) => void ref.validateTemporalAffine(x, w, b),
  // Up to 6·12 = 72 rows × 40 columns, so the matmul's 32×32 tiles are crossed.
  sample: temporalAffineSamples(6, 12, 12, 40),
  gradSample: temporalAffineSamples(2, 12, 3, 4),
  edgeCases: [
    makeSample({ x: tensor([1, 1, 1], [2]), w: tensor([1, 1], [-3]), b: tensor([1], [0.5]) }),
    makeSample({ x: tensor([1, 3, 2], [1, 2, 3, 4, 5, 6]), w: tensor([2, 3], [1, 0, -1, 0.5, 0.25, 2]), b: tensor([3], [1, -1, 0]) }),
  ],
  errors: [
    { title: 'x of rank 2', sample: makeSample({ ...ok, x: tensor([2, 4]) }), message: 'temporal_affine: x: expected rank 3, got rank 2 (shape [2, 4])' },
    { title: 'w of rank 3', sample: makeSample({ ...ok, w: tensor([4, 5, 1]) }), message: 'temporal_affine: w: expected rank 2, got rank 3 (shape [4, 5, 1])' },
    {
      title: 'w rows differ from D',
      sample: makeSample({ ...ok, w: tensor([3, 5]) }),
      message: 'temporal_affine: w: expected shape [4, M] (D = 4 from x), got [3, 5]',
    },
    {
      title: 'b length differs from M',
      sample: makeSample({ ...ok, b: tensor([4]) }),
      message: 'temporal_affine: b: expected shape [5] (M = 5 from w), got [4]',
    },
    {
      title: 'NaN in x',
      sample: makeSample({
        ...ok,
        x: tensor(
          [2, 3, 4],
          Array.from({ length: 24 }, (_, i) => (i === 13 ? NaN : i)),
        ),
      }),
      message: 'temporal_affine: x: expected finite values, got NaN at [1, 0, 1]',
    },
  ],
};
