import fc from 'fast-check';
import { makeRng, type Rng } from '../reference/rng';
import { numel, tensor, type Tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import type { ErrorCase, InputSpec, Sample } from './harness/op';

/** What the rows of max_pool2d, avg_pool2d and max_unpool2d share: inputs, samples, values, errors. */
export const poolInput: InputSpec = { name: 'x', kind: 'float', differentiable: true };

/** A random permutation of [0, n) (Fisher–Yates). */
export function permutation(n: number, rng: Rng): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/**
 * Distinct values, a shuffled grid over [−3, 3): no window has a tie, even in float32, and the
 * gap 6/n between values stays far above the gradient check's step h = 1e-5, so the argmax of
 * every window is stable under the check's perturbations.
 */
export function distinctTensor(shape: readonly number[], rng: Rng): Tensor {
  const n = numel(shape);
  return tensor(
    shape,
    permutation(n, rng).map((k) => -3 + (6 * k) / n),
  );
}

export interface PoolLimits {
  N: number;
  C: number;
  size: number;
  pool: number;
  stride: number;
}

/** Random poolings: windows up to `pool`, stride up to `stride` (overlapping when smaller), x grown to fit a window. */
export const poolSamples = (max: PoolLimits, values: (shape: number[], rng: Rng) => Tensor): fc.Arbitrary<Sample> =>
  samples(
    fc.record({
      N: dim(1, max.N),
      C: dim(1, max.C),
      H: dim(1, max.size),
      W: dim(1, max.size),
      pool_height: dim(1, max.pool),
      pool_width: dim(1, max.pool),
      stride: dim(1, max.stride),
    }),
    ({ N, C, H, W, ...params }, rng) => ({
      inputs: { x: values([N, C, Math.max(H, params.pool_height), Math.max(W, params.pool_width)], rng) },
      params,
    }),
  );

/** Edge cases of a pooling op with values from `values` (seeded per case). */
export const poolEdgeCases = (values: (shape: number[], rng: Rng) => Tensor): Sample[] =>
  (
    [
      [[1, 1, 2, 2], { pool_height: 2, pool_width: 2, stride: 2 }], // batch 1, one window covering x
      [[2, 3, 4, 4], { pool_height: 2, pool_width: 2, stride: 2 }], // the course's 2×2 stride 2
      [[1, 2, 5, 6], { pool_height: 3, pool_width: 3, stride: 1 }], // overlapping windows, stride 1
      [[2, 1, 7, 5], { pool_height: 3, pool_width: 2, stride: 2 }], // overlapping rows, non-square, odd sizes, floor drops a row
      [[1, 2, 3, 3], { pool_height: 1, pool_width: 1, stride: 1 }], // 1×1 windows: identity
      [[1, 1, 6, 7], { pool_height: 2, pool_width: 1, stride: 3 }], // stride wider than the window: gaps
    ] as const
  ).map(([shape, params], k) => makeSample({ x: values([...shape], makeRng(100 + k)) }, params));

/** The error inputs of max_pool2d and avg_pool2d (same checks, own op name). */
export function poolErrors(op: string): ErrorCase[] {
  const x = tensor([2, 3, 4, 4]);
  const params = { pool_height: 2, pool_width: 2, stride: 2 };
  return [
    { title: 'x of rank 3', sample: makeSample({ x: tensor([3, 4, 4]) }, params), message: `${op}: x: expected rank 4, got rank 3 (shape [3, 4, 4])` },
    { title: 'empty x', sample: makeSample({ x: tensor([0, 3, 4, 4]) }, params), message: `${op}: x: expected a non-empty tensor, got shape [0, 3, 4, 4]` },
    { title: 'pool_height 0', sample: makeSample({ x }, { ...params, pool_height: 0 }), message: `${op}: pool_height: expected an integer ≥ 1, got 0` },
    { title: 'no pool_width', sample: makeSample({ x }, { pool_height: 2, stride: 2 }), message: `${op}: pool_width: expected an integer ≥ 1, got undefined` },
    { title: 'non-integer stride', sample: makeSample({ x }, { ...params, stride: 1.5 }), message: `${op}: stride: expected an integer ≥ 1, got 1.5` },
    {
      title: 'window taller than x',
      sample: makeSample({ x }, { pool_height: 5, pool_width: 2, stride: 1 }),
      message: `${op}: x: expected an output of at least 1×1 (H' = 1 + ⌊(H − pool_height) / stride⌋), got H' × W' = 0 × 3`,
    },
    {
      title: 'NaN in x',
      sample: makeSample(
        {
          x: tensor(
            [2, 3, 4, 4],
            Array.from({ length: 96 }, (_, i) => (i === 21 ? NaN : i)),
          ),
        },
        params,
      ),
      message: `${op}: x: expected finite values, got NaN at [0, 1, 1, 1]`,
    },
  ];
}
