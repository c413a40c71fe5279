import fc from 'fast-check';
import * as twin from '../accelerated/max_unpool2d';
import { maxPool2dForward } from '../reference/max_pool2d';
import * as ref from '../reference/max_unpool2d';
import { makeRng, randnTensor, type Rng } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type Sample, type OpDef } from './harness/op';
import { distinctTensor, permutation, poolInput, type PoolLimits } from './pooling';

const io = [['x', 'indices'], ['out']] as const;

/** For each (n, c) plane, H·W distinct positions of its H'×W' output plane, in random order. */
function planeIndices(N: number, C: number, H: number, W: number, Ho: number, Wo: number, rng: Rng): Tensor {
  const data: number[] = [];
  for (let p = 0; p < N * C; p++) data.push(...permutation(Ho * Wo, rng).slice(0, H * W));
  return tensor([N, C, H, W], data);
}

/**
 * Random unpoolings: output_size the default or off it by less than stride per axis (never
 * below 1), indices any distinct positions of each output plane.
 */
const unpoolSamples = (max: PoolLimits) =>
  samples(
    fc.record({
      N: dim(1, max.N),
      C: dim(1, max.C),
      H: dim(1, max.size),
      W: dim(1, max.size),
      pool_height: dim(1, max.pool),
      pool_width: dim(1, max.pool),
      stride: dim(1, max.stride),
      offsets: fc.option(fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 })), { nil: undefined }),
    }),
    ({ N, C, H, W, offsets, ...window }, rng) => {
      const { pool_height, pool_width, stride } = window;
      const within = (d: number) => Math.sign(d) * Math.min(Math.abs(d), stride - 1);
      const defaults = [(H - 1) * stride + pool_height, (W - 1) * stride + pool_width];
      const [Ho, Wo] = defaults.map((d, k) => Math.max(1, d + within(offsets?.[k] ?? 0)));
      return {
        inputs: { x: randnTensor([N, C, H, W], rng), indices: planeIndices(N, C, H, W, Ho, Wo, rng) },
        params: offsets ? { ...window, output_size: [Ho, Wo] } : window,
      };
    },
  );

/** Unpooling what max_pool2d of an (N, C, H, W) tensor returns, as a network's decoder does. */
function afterMaxPool(shape: number[], params: { pool_height: number; pool_width: number; stride: number }, seed: number): Sample {
  const { out, indices } = maxPool2dForward(distinctTensor(shape, makeRng(seed)), params);
  return makeSample({ x: out, indices }, { ...params, output_size: shape.slice(2) });
}

const x = tensor([1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
const indices = tensor([1, 2, 2, 2], [0, 3, 8, 10, 5, 6, 13, 15]);
const window = { pool_height: 2, pool_width: 2, stride: 2 };
const withIndices = (data: number[]) => makeSample({ x, indices: tensor([1, 2, 2, 2], data) }, window);

export const max_unpool2d: OpDef = {
  id: 'max_unpool2d',
  inputs: [poolInput, { name: 'indices', kind: 'int', differentiable: false }],
  outputs: ['out'],
  reference: courseImpl(...io, ref.maxUnpool2dForward, ref.maxUnpool2dBackward),
  twin: courseImpl(...io, twin.maxUnpool2dForward, twin.maxUnpool2dBackward),
  validate: ({ x, indices }, params) => void ref.validateMaxUnpool2d(x, indices, params),
  sample: unpoolSamples({ N: 3, C: 4, size: 8, pool: 4, stride: 3 }),
  gradSample: unpoolSamples({ N: 2, C: 2, size: 4, pool: 3, stride: 2 }),
  edgeCases: [
    afterMaxPool([1, 2, 4, 4], window, 1), // the course's 2×2 stride 2, defaults recovered
    afterMaxPool([2, 1, 5, 7], { pool_height: 2, pool_width: 3, stride: 3 }, 2), // odd sizes, gaps: output_size above the default
    afterMaxPool([1, 1, 3, 3], { pool_height: 3, pool_width: 3, stride: 1 }, 3), // one window: a single 1×1 value
    makeSample({ x, indices }, window), // positions not from a pooling, output_size left to its default
  ],
  errors: [
    {
      title: 'x of rank 3',
      sample: makeSample({ x: tensor([2, 2, 2]), indices }, window),
      message: 'max_unpool2d: x: expected rank 4, got rank 3 (shape [2, 2, 2])',
    },
    {
      title: 'indices shaped unlike x',
      sample: makeSample({ x, indices: tensor([1, 2, 4], [0, 3, 8, 10, 5, 6, 13, 15]) }, window),
      message: 'max_unpool2d: indices: expected shape [1, 2, 2, 2] (the shape of x), got [1, 2, 4]',
    },
    {
      title: 'index past the output plane',
      sample: withIndices([0, 3, 8, 16, 5, 6, 13, 15]),
      message: 'max_unpool2d: indices: expected indices in [0, 15] (an output plane of 4×4), got 16 at [0, 0, 1, 1]',
    },
    {
      title: 'repeated index in a plane',
      sample: withIndices([0, 3, 8, 10, 5, 6, 5, 15]),
      message: 'max_unpool2d: indices: expected distinct indices within each (n, c) plane, got 5 again at [0, 1, 1, 0]',
    },
    {
      title: 'non-integer index',
      sample: withIndices([0, 2.5, 8, 10, 5, 6, 13, 15]),
      message: 'max_unpool2d: indices: expected integer indices, got 2.5 at [0, 0, 0, 1]',
    },
    {
      title: 'output_size off the default by stride',
      sample: makeSample({ x, indices }, { ...window, output_size: [6, 4] }),
      message: "max_unpool2d: output_size: expected [H', W'] with 2 < H' < 6 and 2 < W' < 6 (default [4, 4] ± stride, exclusive), got [6,4]",
    },
    ...(
      [
        ['at the default minus stride', [2, 4], '[2,4]'],
        ['not integers', [4, 4.5], '[4,4.5]'],
        ['of three sizes', [4, 4, 4], '[4,4,4]'],
        ['of one size', [4], '[4]'],
        ['a number', 4, '4'],
        ['a string of two characters', '44', '"44"'],
      ] as const
    ).map(([what, output_size, shown]) => ({
      title: `output_size ${what}`,
      sample: makeSample({ x, indices }, { ...window, output_size }),
      message: `max_unpool2d: output_size: expected [H', W'] with 2 < H' < 6 and 2 < W' < 6 (default [4, 4] ± stride, exclusive), got ${shown}`,
    })),
    { title: 'stride 0', sample: makeSample({ x, indices }, { ...window, stride: 0 }), message: 'max_unpool2d: stride: expected an integer ≥ 1, got 0' },
    {
      title: 'empty x',
      sample: makeSample({ x: tensor([1, 2, 0, 2]), indices: tensor([1, 2, 0, 2]) }, window),
      message: 'max_unpool2d: x: expected a non-empty tensor, got shape [1, 2, 0, 2]',
    },
    {
      title: 'NaN in x',
      sample: makeSample({ x: tensor([1, 2, 2, 2], [1, 2, 3, NaN, 5, 6, 7, 8]), indices }, window),
      message: 'max_unpool2d: x: expected finite values, got NaN at [0, 0, 1, 1]',
    },
  ],
};
