import { validateDotProductAttentionStep } from '../reference/dot_product_attention_step';
import { requireShape } from '../reference/validate';
import { view, type GpuTensor } from './runtime/buffers';
import { batchedMatmul } from './runtime/batched_matmul';
import { map } from './runtime/elementwise';
import { pointwise } from './runtime/pointwise';
import { scope } from './runtime/scope';
import { softmaxBackward, softmaxForward, type LastAxisCache } from './softmax';

/**
 * Twin of reference/dot_product_attention_step. The contractions over H and over the P = D_a²
 * positions are N small products on the shared batched matmul (4×4 register tiles, batch along z):
 * scores (N, 1, P) = prev_h (N, 1, H)·A (N, H, P), attn (N, H, 1) = A·weights (N, P, 1). The softmax
 * is the softmax twin (an invocation per row); the scale and dA are one-invocation-per-element kernels.
 */
export interface DotProductAttentionStepCache {
  prevH: GpuTensor;
  A: GpuTensor;
  weights: LastAxisCache;
}

const scaled = (x: GpuTensor, scale: number): GpuTensor =>
  pointwise(x.gpu, {
    name: 'dot_product_attention_step:scale',
    inputs: { x },
    outputs: { out: { shape: x.shape } },
    uniforms: { scale: ['f32', scale] },
    count: x.shape.reduce((a, b) => a * b, 1),
    body: 'out[i] = x[i] * scale;',
  }).out;

export function dotProductAttentionStepForward(
  prevH: GpuTensor,
  A: GpuTensor,
): { attn: GpuTensor; attn_weights: GpuTensor; cache: DotProductAttentionStepCache } {
  const { N, H, P } = validateDotProductAttentionStep(prevH, A);
  return scope(() => {
    const A3 = view(A, [N, H, P]);
    const raw = batchedMatmul(view(prevH, [N, 1, H]), A3);
    const scores = scaled(raw, 1 / Math.sqrt(H));
    const weights = softmaxForward(view(scores, [N, P]));
    const attn = batchedMatmul(A3, view(weights.out, [N, P, 1]));
    const [, , Da] = A.shape;
    return { attn: view(attn, [N, H]), attn_weights: view(weights.out, [N, Da, Da]), cache: { prevH, A, weights: weights.cache } };
  });
}

export function dotProductAttentionStepBackward(
  dattn: GpuTensor,
  dattnWeights: GpuTensor,
  cache: DotProductAttentionStepCache,
): { dprev_h: GpuTensor; dA: GpuTensor } {
  const { prevH, A, weights } = cache;
  const [N, H] = prevH.shape;
  const P = weights.out.shape[1];
  requireShape('dot_product_attention_step_backward', 'dattn', dattn, [N, H], 'the shape of attn');
  requireShape('dot_product_attention_step_backward', 'dattn_weights', dattnWeights, [N, ...A.shape.slice(2)], 'the shape of attn_weights');
  return scope(() => {
    const scale = 1 / Math.sqrt(H);
    const A3 = view(A, [N, H, P]);
    // dW = dattn_weights + dattnᵀ·A per sample, then the softmax backward and the 1/√H of the scores.
    const fromAttn = batchedMatmul(view(dattn, [N, H, 1]), A3, { transA: true });
    const dW = map('dot_product_attention_step:add', 'a + b', view(fromAttn, [N, P]), view(dattnWeights, [N, P]));
    const dSoftmax = softmaxBackward(dW, weights).dx;
    const dScores = scaled(dSoftmax, scale);
    const dprevH = batchedMatmul(view(dScores, [N, 1, P]), A3, { transB: true });
    const { dA } = pointwise(A.gpu, {
      name: 'dot_product_attention_step:dA',
      inputs: { dattn, w: weights.out, prev_h: prevH, dscores: dScores },
      outputs: { dA: { shape: A.shape } },
      uniforms: { H: ['u32', H], P: ['u32', P] },
      count: N * H * P,
      body: `
  let p = i % P;
  let nh = i / P;
  let n = nh / H;
  dA[i] = dattn[nh] * w[n * P + p] + prev_h[nh] * dscores[n * P + p];`,
    });
    return { dprev_h: view(dprevH, [N, H]), dA };
  });
}
