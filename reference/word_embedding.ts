import { requireGradShape } from './recurrent';
import { tensor, type Tensor } from './tensor';
import { requireFinite, requireIndices, requireRank, type Shaped } from './validate';

export interface WordEmbeddingCache {
  x: Tensor;
  V: number;
}

/** x (N, T) integer word indices in [0, V), W (V, D) finite. */
export function validateWordEmbedding(x: Shaped, W: Shaped): { N: number; T: number; V: number; D: number } {
  requireRank('word_embedding', 'x', x, 2);
  requireRank('word_embedding', 'W', W, 2);
  const [N, T] = x.shape;
  const [V, D] = W.shape;
  requireIndices('word_embedding', 'x', x, V);
  requireFinite('word_embedding', 'W', W);
  return { N, T, V, D };
}

/** out[n, t, :] = W[x[n, t], :] */
export function wordEmbeddingForward(x: Tensor, W: Tensor): { out: Tensor; cache: WordEmbeddingCache } {
  const { N, T, V, D } = validateWordEmbedding(x, W);
  const out = tensor([N, T, D]);
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      const word = x.data[n * T + t];
      for (let d = 0; d < D; d++) out.data[(n * T + t) * D + d] = W.data[word * D + d];
    }
  }
  return { out, cache: { x, V } };
}

/** dW[v, :] = Σ over (n, t) with x[n, t] = v of dout[n, t, :] (repeated words accumulate); x gets no gradient. */
export function wordEmbeddingBackward(dout: Tensor, cache: WordEmbeddingCache): { dW: Tensor } {
  const { x, V } = cache;
  const [N, T] = x.shape;
  const D = dout.shape[2];
  requireGradShape('word_embedding', 'dout', dout, [N, T, D]);
  const dW = tensor([V, D]);
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      const word = x.data[n * T + t];
      for (let d = 0; d < D; d++) dW.data[word * D + d] += dout.data[(n * T + t) * D + d];
    }
  }
  return { dW };
}
