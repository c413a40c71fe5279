import { validateMultiHeadAttention, type MultiHeadAttentionParams } from '../reference/multi_head_attention';
import { requireShape } from '../reference/validate';
import { attentionBackward, attentionForward, type AttentionCache } from './attention';
import { view, type GpuTensor } from './runtime/buffers';
import { matmul } from './runtime/matmul';
import { pointwise } from './runtime/pointwise';
import { columnSums } from './runtime/reduce';
import { scope } from './runtime/scope';

/**
 * Twin of reference/multi_head_attention: the projections on the shared register-tiled matmul (bias
 * fused), the heads as N·H problems of the batched attention core (accelerated/attention.ts), and two
 * copy kernels that split (N·L, E) into (N·H, L, E/H) and merge back — one invocation per element, no
 * shared memory (pure data movement).
 */
export interface MultiHeadAttentionCache {
  query: GpuTensor;
  key: GpuTensor;
  value: GpuTensor;
  Wq: GpuTensor;
  Wk: GpuTensor;
  Wv: GpuTensor;
  Wo: GpuTensor;
  merged: GpuTensor;
  heads: number;
  attention: AttentionCache;
}

/** (N·L, E) → (N·H, L, dh): out[(n·H + h)·L + l, d] = x[n·L + l, h·dh + d]. */
function splitHeads(x: GpuTensor, N: number, H: number): GpuTensor {
  const [NL, E] = x.shape;
  const L = NL / N;
  const dh = E / H;
  return pointwise(x.gpu, {
    name: 'multi_head_attention:split',
    inputs: { x },
    outputs: { out: { shape: [N * H, L, dh] } },
    uniforms: { H: ['u32', H], L: ['u32', L], dh: ['u32', dh] },
    count: NL * E,
    body: `
  let d = i % dh;
  let l = (i / dh) % L;
  let h = (i / (dh * L)) % H;
  let n = i / (dh * L * H);
  out[i] = x[(n * L + l) * H * dh + h * dh + d];`,
  }).out;
}

/** (N·H, L, dh) → (N·L, E), the inverse of splitHeads. */
function mergeHeads(x: GpuTensor, N: number, H: number): GpuTensor {
  const [, L, dh] = x.shape;
  return pointwise(x.gpu, {
    name: 'multi_head_attention:merge',
    inputs: { x },
    outputs: { out: { shape: [N * L, H * dh] } },
    uniforms: { H: ['u32', H], L: ['u32', L], dh: ['u32', dh] },
    count: N * L * H * dh,
    body: `
  let e = i % (H * dh);
  let l = (i / (H * dh)) % L;
  let n = i / (H * dh * L);
  out[i] = x[((n * H + e / dh) * L + l) * dh + e % dh];`,
  }).out;
}

/** x (N, L, E) → heads of x·W + b, (N·H, L, E/H). */
function projectHeads(x: GpuTensor, W: GpuTensor, b: GpuTensor, H: number): GpuTensor {
  const [N, L, E] = x.shape;
  return scope(() => splitHeads(matmul(view(x, [N * L, E]), W, { bias: b }), N, H));
}

export function multiHeadAttentionForward(
  query: GpuTensor,
  key: GpuTensor,
  value: GpuTensor,
  Wq: GpuTensor,
  Wk: GpuTensor,
  Wv: GpuTensor,
  Wo: GpuTensor,
  bq: GpuTensor,
  bk: GpuTensor,
  bv: GpuTensor,
  bo: GpuTensor,
  mask: GpuTensor | undefined,
  params: MultiHeadAttentionParams,
): { out: GpuTensor; cache: MultiHeadAttentionCache } {
  const { N, S, E, H } = validateMultiHeadAttention(query, key, value, Wq, Wk, Wv, Wo, bq, bk, bv, bo, mask, params);
  return scope(() => {
    const attended = attentionForward(
      projectHeads(query, Wq, bq, H),
      projectHeads(key, Wk, bk, H),
      projectHeads(value, Wv, bv, H),
      { mask, causal: false, heads: H },
      1 / Math.sqrt(E / H),
    );
    const merged = mergeHeads(attended.out, N, H);
    const out = view(matmul(merged, Wo, { bias: bo }), [N, S, E]);
    return { out, cache: { query, key, value, Wq, Wk, Wv, Wo, merged, heads: H, attention: attended.cache } };
  });
}

/** Gradients of one input projection X = x·W + b from dX given per head. */
function projectionBackward(x: GpuTensor, W: GpuTensor, dHeads: GpuTensor, H: number): { dx: GpuTensor; dW: GpuTensor; db: GpuTensor } {
  const [N, L, E] = x.shape;
  const x2d = view(x, [N * L, E]);
  return scope(() => {
    const dX = mergeHeads(dHeads, N, H);
    return {
      dx: view(matmul(dX, W, { transB: true }), x.shape), // dX·Wᵀ
      dW: matmul(x2d, dX, { transA: true }), // xᵀ·dX
      db: columnSums(dX),
    };
  });
}

export function multiHeadAttentionBackward(
  dout: GpuTensor,
  cache: MultiHeadAttentionCache,
): Record<'dquery' | 'dkey' | 'dvalue' | 'dWq' | 'dWk' | 'dWv' | 'dWo' | 'dbq' | 'dbk' | 'dbv' | 'dbo', GpuTensor> {
  const { query, key, value, Wq, Wk, Wv, Wo, merged, heads: H, attention } = cache;
  const [N, S, E] = query.shape;
  requireShape('multi_head_attention_backward', 'dout', dout, [N, S, E], 'the shape of query');
  const dout2d = view(dout, [N * S, E]);
  return scope(() => {
    const dMerged = matmul(dout2d, Wo, { transB: true });
    const { dq, dk, dv } = attentionBackward(splitHeads(dMerged, N, H), attention);
    const q = projectionBackward(query, Wq, dq, H);
    const k = projectionBackward(key, Wk, dk, H);
    const v = projectionBackward(value, Wv, dv, H);
    return {
      dquery: q.dx,
      dkey: k.dx,
      dvalue: v.dx,
      dWq: q.dW,
      dWk: k.dW,
      dWv: v.dW,
      dWo: matmul(merged, dout2d, { transA: true }),
      dbq: q.db,
      dbk: k.db,
      dbv: v.db,
      dbo: columnSums(dout2d),
    };
  });
}
