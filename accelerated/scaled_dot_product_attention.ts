import { validateScaledDotProductAttention, type ScaledDotProductAttentionParams } from '../reference/scaled_dot_product_attention';
import { requireShape } from '../reference/validate';
import { attentionBackward, attentionForward, type AttentionCache } from './attention';
import type { GpuTensor } from './runtime/buffers';

/** Twin of reference/scaled_dot_product_attention: the batched attention core of accelerated/attention.ts with one head. */
export function scaledDotProductAttentionForward(
  q: GpuTensor,
  k: GpuTensor,
  v: GpuTensor,
  mask: GpuTensor | undefined,
  params: ScaledDotProductAttentionParams = {},
): { out: GpuTensor; cache: AttentionCache } {
  const { D, causal } = validateScaledDotProductAttention(q, k, v, mask, params);
  return attentionForward(q, k, v, { mask, causal, heads: 1 }, 1 / Math.sqrt(D));
}

export function scaledDotProductAttentionBackward(dout: GpuTensor, cache: AttentionCache): { dq: GpuTensor; dk: GpuTensor; dv: GpuTensor } {
  const [N, Tq] = cache.q.shape;
  requireShape('scaled_dot_product_attention_backward', 'dout', dout, [N, Tq, cache.v.shape[2]], 'N, Tq from q and Dv from v');
  return attentionBackward(dout, cache);
}
