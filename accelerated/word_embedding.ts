import { requireGradShape } from '../reference/recurrent';
import { validateWordEmbedding } from '../reference/word_embedding';
import { zeros, type GpuTensor } from './runtime/buffers';
import { kernel, launch } from './runtime/kernel';

/** Twin of reference/word_embedding on x (N, T) i32 word indices and W (V, D) f32. */
export interface WordEmbeddingCache {
  x: GpuTensor;
  V: number;
  D: number;
}

/** Gather, one invocation per output element (n, t, d): out[n, t, d] = W[x[n, t], d]. */
const gatherKernel = kernel({
  name: 'word_embedding:forward',
  inputs: { x: 'i32', W: 'f32' },
  outputs: { out: 'f32' },
  uniforms: { D: 'u32' },
  body: 'out[i] = W[u32(x[i / u.D]) * u.D + i % u.D];',
});

/**
 * Scatter-add without atomics: one invocation per element (v, d) of dW walks all N·T words and sums
 * dout[n, t, d] where x[n, t] = v, so repeated words accumulate in a fixed order (deterministic).
 */
const scatterKernel = kernel({
  name: 'word_embedding:backward',
  inputs: { x: 'i32', dout: 'f32' },
  outputs: { dW: 'f32' },
  uniforms: { NT: 'u32', D: 'u32' },
  body: `let v = i32(i / u.D);
  let d = i % u.D;
  var s = 0.0;
  for (var k = 0u; k < u.NT; k++) {
    if (x[k] == v) { s += dout[k * u.D + d]; }
  }
  dW[i] = s;`,
});

export function wordEmbeddingForward(x: GpuTensor, W: GpuTensor): { out: GpuTensor; cache: WordEmbeddingCache } {
  const { N, T, V, D } = validateWordEmbedding(x, W);
  const out = zeros(x.gpu, [N, T, D]);
  launch(x.gpu, gatherKernel, { x, W, out }, { count: N * T * D, D });
  return { out, cache: { x, V, D } };
}

export function wordEmbeddingBackward(dout: GpuTensor, cache: WordEmbeddingCache): { dW: GpuTensor } {
  const { x, V, D } = cache;
  const [N, T] = x.shape;
  requireGradShape('word_embedding', 'dout', dout, [N, T, D]);
  const dW = zeros(x.gpu, [V, D]);
  launch(x.gpu, scatterKernel, { x, dout, dW }, { count: V * D, NT: N * T, D });
  return { dW };
}
