import { afterAll, expect, it } from 'vitest';
import { read, upload } from '../accelerated/buffers';
import { getGpu, releaseGpu } from '../accelerated/device';
import { matmul, type MatmulVariant } from '../accelerated/matmul';
import { makeRng, randnTensor } from '../reference/rng';

/**
 * The shared matmul kernel in all its variants (register-tiled for CPU drivers and
 * workgroup-shared-memory tiled for GPUs, both forced here whatever the adapter; scalar and vec4
 * paths, each transposition, with and without bias, ragged edges), against a float64 triple loop.
 * The op rows test it through affine; this covers the combinations their samples reach only by
 * chance. The sizes stay small because SwiftShader runs the shared variant's barriers slowly; the
 * last two span several 64×64 output tiles and several (partial) K-slices of that variant.
 */
afterAll(releaseGpu);

const SIZES = [[8, 8, 8], [5, 12, 16], [12, 4, 4], [33, 20, 12], [7, 9, 5], [64, 36, 40], [70, 68, 20], [67, 66, 19]] as const;
const VARIANTS: MatmulVariant[] = ['registers', 'shared'];
const CASES = VARIANTS.flatMap((variant) =>
  SIZES.flatMap(([M, N, K]) =>
    [false, true].flatMap((transA) =>
      [false, true].flatMap((transB) => [false, true].map((withBias) => [variant, M, N, K, transA, transB, withBias] as const)),
    ),
  ),
);

it.each(CASES)('%s M=%i N=%i K=%i transA=%s transB=%s bias=%s', async (variant, M, N, K, transA, transB, withBias) => {
  const gpu = await getGpu();
  const rng = makeRng(`${M}:${N}:${K}`);
  const a = randnTensor(transA ? [K, M] : [M, K], rng);
  const b = randnTensor(transB ? [N, K] : [K, N], rng);
  const bias = randnTensor([N], rng);
  const options = { transA, transB, variant, bias: withBias ? upload(gpu, bias) : undefined };
  const c = await read(matmul(upload(gpu, a), upload(gpu, b), options));
  expect(c.shape).toEqual([M, N]);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = withBias ? bias.data[j] : 0;
      for (let k = 0; k < K; k++) s += (transA ? a.data[k * M + i] : a.data[i * K + k]) * (transB ? b.data[j * K + k] : b.data[k * N + j]);
      expect(Math.abs(c.data[i * N + j] - s), `C[${i}, ${j}]`).toBeLessThanOrEqual(1e-5 * Math.sqrt(K) * (1 + Math.abs(s)));
    }
  }
});
