import { requireGradShape } from '../reference/recurrent';
import { validateWordEmbedding } from '../reference/word_embedding';
import { empty, type GpuTensor } from './buffers';
import { grid1d, launch, MAIN_1D, type Kernel } from './launch';

/** Twin of reference/word_embedding on x (N, T) i32 word indices and W (V, D) f32. */
export interface WordEmbeddingCache {
  x: GpuTensor;
  V: number;
  D: number;
}

const PRELUDE = `
@group(0) @binding(0) var<storage, read> x: array<i32>;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
struct Sizes { NT: u32, V: u32, D: u32 }
@group(0) @binding(3) var<uniform> sizes: Sizes;
${MAIN_1D}`;

/** Gather, one invocation per output element (n, t, d): out[n, t, d] = W[x[n, t], d]. */
const gatherKernel: Kernel = {
  key: 'word_embedding:forward',
  source: () => `${PRELUDE}
  if (i >= sizes.NT * sizes.D) { return; }
  dst[i] = src[u32(x[i / sizes.D]) * sizes.D + i % sizes.D];
}`,
};

/**
 * Scatter-add without atomics: one invocation per element (v, d) of dW walks all N·T words and sums
 * dout[n, t, d] where x[n, t] = v, so repeated words accumulate in a fixed order (deterministic).
 */
const scatterKernel: Kernel = {
  key: 'word_embedding:backward',
  source: () => `${PRELUDE}
  if (i >= sizes.V * sizes.D) { return; }
  let v = i32(i / sizes.D);
  let d = i % sizes.D;
  var s = 0.0;
  for (var k = 0u; k < sizes.NT; k++) {
    if (x[k] == v) { s += src[k * sizes.D + d]; }
  }
  dst[i] = s;
}`,
};

const sizes = (NT: number, V: number, D: number) => [['u32', NT], ['u32', V], ['u32', D]] as const;

export function wordEmbeddingForward(x: GpuTensor, W: GpuTensor): { out: GpuTensor; cache: WordEmbeddingCache } {
  const { N, T, V, D } = validateWordEmbedding(x, W);
  const out = empty(x.gpu, [N, T, D]);
  launch(x.gpu, gatherKernel, [x.buffer, W.buffer, out.buffer], sizes(N * T, V, D), grid1d(N * T * D));
  return { out, cache: { x, V, D } };
}

export function wordEmbeddingBackward(dout: GpuTensor, cache: WordEmbeddingCache): { dW: GpuTensor } {
  const { x, V, D } = cache;
  const [N, T] = x.shape;
  requireGradShape('word_embedding', 'dout', dout, [N, T, D]);
  const dW = empty(x.gpu, [V, D]);
  launch(x.gpu, scatterKernel, [x.buffer, dout.buffer, dW.buffer], sizes(N * T, V, D), grid1d(V * D));
  return { dW };
}
