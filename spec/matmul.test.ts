import { afterAll, expect, it } from 'vitest';
import { batchedMatmul } from '../accelerated/runtime/batched_matmul';
import { read, upload } from '../accelerated/runtime/buffers';
import { getGpu, releaseGpu } from '../accelerated/runtime/device';
import { matmul, vec4Shapes, type MatmulVariant } from '../accelerated/runtime/matmul';
import { makeRng, randnTensor } from '../reference/rng';
import type { Tensor } from '../reference/tensor';

/**
 * The shared matmul kernel in all its variants (register-tiled for CPU drivers and
 * workgroup-shared-memory tiled for GPUs, both forced here whatever the adapter; scalar and vec4
 * paths, each transposition, with and without bias, ragged edges), against a float64 triple loop.
 * The op rows test it through affine; this covers the combinations their samples reach only by
 * chance. The sizes stay small because SwiftShader runs the shared variant's barriers slowly; the
 * last ones span several 64×64 output tiles and several (partial) K-slices of that variant, and the
 * 'registers' vec4 kernel's 8×8 register tiles with ragged row and vec4-column edges; [12, 8, 7] and
 * [68, 72, 19] reach its rank-1 form (Aᵀ·B with K not a multiple of 4). The batched matmul (the same
 * kernels with a batch axis) is checked the same way, each matrix of the batch on its own.
 */
afterAll(releaseGpu);

const SIZES = [
  [8, 8, 8],
  [5, 12, 16],
  [12, 4, 4],
  [33, 20, 12],
  [7, 9, 5],
  [64, 36, 40],
  [70, 68, 20],
  [67, 66, 19],
  [12, 8, 7],
  [68, 72, 19],
] as const;
const VARIANTS: MatmulVariant[] = ['registers', 'shared'];
const CASES = VARIANTS.flatMap((variant) =>
  SIZES.flatMap(([M, N, K]) =>
    [false, true].flatMap((transA) =>
      [false, true].flatMap((transB) => [false, true].map((withBias) => [variant, M, N, K, transA, transB, withBias] as const)),
    ),
  ),
);

/** Asserts C[i, j] (at `offset` in c) = bias[j] + Σ_k op(A)[i, k]·op(B)[k, j] (A, B at their offsets), float64, within float32 rounding. */
function expectProduct(
  c: Tensor,
  a: Tensor,
  b: Tensor,
  bias: Tensor | undefined,
  p: { M: number; N: number; K: number; transA: boolean; transB: boolean },
  at = { a: 0, b: 0, c: 0 },
): void {
  const { M, N, K, transA, transB } = p;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = bias ? bias.data[j] : 0;
      for (let k = 0; k < K; k++) s += a.data[at.a + (transA ? k * M + i : i * K + k)] * b.data[at.b + (transB ? j * K + k : k * N + j)];
      expect(Math.abs(c.data[at.c + i * N + j] - s), `C[${i}, ${j}]`).toBeLessThanOrEqual(1e-5 * Math.sqrt(K) * (1 + Math.abs(s)));
    }
  }
}

it.each(CASES)('%s M=%i N=%i K=%i transA=%s transB=%s bias=%s', async (variant, M, N, K, transA, transB, withBias) => {
  const gpu = await getGpu();
  const rng = makeRng(`${M}:${N}:${K}`);
  const a = randnTensor(transA ? [K, M] : [M, K], rng);
  const b = randnTensor(transB ? [N, K] : [K, N], rng);
  const bias = randnTensor([N], rng);
  const options = { transA, transB, variant, bias: withBias ? upload(gpu, bias) : undefined };
  const c = await read(matmul(upload(gpu, a), upload(gpu, b), options));
  expect(c.shape).toEqual([M, N]);
  expectProduct(c, a, b, withBias ? bias : undefined, { M, N, K, transA, transB });
});

const BATCHED = [
  [3, 8, 8, 8],
  [2, 12, 8, 7],
  [4, 9, 12, 16],
  [3, 7, 9, 5],
  [2, 70, 68, 20],
] as const;
const BATCHED_CASES = BATCHED.flatMap(([batch, M, N, K]) =>
  [false, true].flatMap((transA) => [false, true].map((transB) => [batch, M, N, K, transA, transB] as const)),
);

it.each(BATCHED_CASES)('batched %i × M=%i N=%i K=%i transA=%s transB=%s', async (batch, M, N, K, transA, transB) => {
  const gpu = await getGpu();
  const rng = makeRng(`batched:${batch}:${M}:${N}:${K}`);
  const a = randnTensor(transA ? [batch, K, M] : [batch, M, K], rng);
  const b = randnTensor(transB ? [batch, N, K] : [batch, K, N], rng);
  const c = await read(batchedMatmul(upload(gpu, a), upload(gpu, b), { transA, transB }));
  expect(c.shape).toEqual([batch, M, N]);
  for (let beta = 0; beta < batch; beta++) {
    expectProduct(c, a, b, undefined, { M, N, K, transA, transB }, { a: beta * M * K, b: beta * K * N, c: beta * M * N });
  }
});

it('the batched sizes reach both the vec4 kernel and the scalar one', () => {
  const vec4 = BATCHED_CASES.map(([, M, N, K, transA, transB]) => vec4Shapes(M, N, K, transA, transB));
  expect(vec4).toContain(true);
  expect(vec4).toContain(false);
});
