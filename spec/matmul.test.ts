import { afterAll, expect, it } from 'vitest';
import { read, upload } from '../accelerated/buffers';
import { getGpu, releaseGpu } from '../accelerated/device';
import { matmul } from '../accelerated/matmul';
import { makeRng, randnTensor } from '../reference/rng';

/**
 * The shared matmul kernel in all its variants (scalar and vec4 paths, each transposition, ragged
 * edges), against a float64 triple loop. The op rows test it through affine; this covers the
 * combinations their samples reach only by chance.
 */
afterAll(releaseGpu);

const SIZES = [[8, 8, 8], [5, 12, 16], [12, 4, 4], [33, 20, 12], [7, 9, 5], [64, 36, 40]] as const;

it.each(SIZES.flatMap(([M, N, K]) => [false, true].flatMap((transA) => [false, true].map((transB) => [M, N, K, transA, transB] as const))))(
  'M=%i N=%i K=%i transA=%s transB=%s',
  async (M, N, K, transA, transB) => {
    const gpu = await getGpu();
    const rng = makeRng(`${M}:${N}:${K}`);
    const a = randnTensor(transA ? [K, M] : [M, K], rng);
    const b = randnTensor(transB ? [N, K] : [K, N], rng);
    const c = await read(matmul(upload(gpu, a), upload(gpu, b), { transA, transB }));
    expect(c.shape).toEqual([M, N]);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += (transA ? a.data[k * M + i] : a.data[i * K + k]) * (transB ? b.data[j * K + k] : b.data[k * N + j]);
        expect(Math.abs(c.data[i * N + j] - s), `C[${i}, ${j}]`).toBeLessThanOrEqual(1e-5 * Math.sqrt(K) * (1 + Math.abs(s)));
      }
    }
  },
);
