import type { GpuTensor } from './runtime/buffers';
import { batchedMatmul } from './runtime/batched_matmul';
import { pointwise } from './runtime/pointwise';
import { scope } from './runtime/scope';

/**
 * Twin of reference/attention.ts: B = N·heads problems q (B, Tq, D), k (B, Tk, D), v (B, Tk, Dv), the
 * optional mask (N, Tq, Tk) i32 (1 = masked out) shared by the `heads` problems of a sample. The
 * products run on the batched matmul (accelerated/runtime/batched_matmul.ts); the softmax and its backward
 * are row kernels: one invocation per query row walks its Tk scores (max, normalizer, write) — no
 * shared memory or barriers.
 */
export interface Masking {
  mask?: GpuTensor;
  causal: boolean;
  heads: number;
}

export interface AttentionCache {
  q: GpuTensor;
  k: GpuTensor;
  v: GpuTensor;
  p: GpuTensor;
  scale: number;
}

/** WGSL: `open(j)` — key j is visible to the current row (query `qi`, mask row offset `mrow`). */
const openKey = (hasMask: boolean) => `(causal == 0u || j <= qi)${hasMask ? ' && mask[mrow + j] == 0' : ''}`;

/** p = softmax(scale·s) per row over the open keys, 0 at masked ones (validation left each row a key). */
function maskedSoftmax(s: GpuTensor, { mask, causal, heads }: Masking, scale: number): GpuTensor {
  const [B, Tq, Tk] = s.shape;
  const open = openKey(!!mask);
  const { p } = pointwise(s.gpu, {
    name: 'attention:softmax',
    inputs: mask ? { s, mask } : { s },
    outputs: { p: { shape: s.shape } },
    uniforms: { Tq: ['u32', Tq], Tk: ['u32', Tk], heads: ['u32', heads], causal: ['u32', causal ? 1 : 0], scale: ['f32', scale] },
    count: B * Tq,
    body: `
  let qi = i % Tq;
  let mrow = ((i / Tq) / heads * Tq + qi) * Tk;
  let row = i * Tk;
  var m = -3.4e38;
  for (var j = 0u; j < Tk; j++) { if (${open}) { m = max(m, scale * s[row + j]); } }
  var z = 0.0;
  for (var j = 0u; j < Tk; j++) { if (${open}) { z += exp(scale * s[row + j] - m); } }
  for (var j = 0u; j < Tk; j++) { p[row + j] = select(0.0, exp(scale * s[row + j] - m) / z, ${open}); }`,
  });
  return p;
}

/** ds = scale·p·(dp − Σ_j p·dp) per row (0 where p is). */
function softmaxBackward(p: GpuTensor, dp: GpuTensor, scale: number): GpuTensor {
  const [B, Tq, Tk] = p.shape;
  const { ds } = pointwise(p.gpu, {
    name: 'attention:softmax_backward',
    inputs: { p, dp },
    outputs: { ds: { shape: p.shape } },
    uniforms: { Tk: ['u32', Tk], scale: ['f32', scale] },
    count: B * Tq,
    body: `
  let row = i * Tk;
  var total = 0.0;
  for (var j = 0u; j < Tk; j++) { total += p[row + j] * dp[row + j]; }
  for (var j = 0u; j < Tk; j++) { ds[row + j] = scale * p[row + j] * (dp[row + j] - total); }`,
  });
  return ds;
}

/** s = q·kᵀ, p = masked softmax(scale·s), out = p·v. */
export function attentionForward(q: GpuTensor, k: GpuTensor, v: GpuTensor, masking: Masking, scale: number): { out: GpuTensor; cache: AttentionCache } {
  return scope(() => {
    const s = batchedMatmul(q, k, { transB: true });
    const p = maskedSoftmax(s, masking, scale);
    return { out: batchedMatmul(p, v), cache: { q, k, v, p, scale } };
  });
}

/** dv = pᵀ·dout, dp = dout·vᵀ, ds = scale·p·(dp − Σ p·dp), dq = ds·k, dk = dsᵀ·q. */
export function attentionBackward(dout: GpuTensor, { q, k, v, p, scale }: AttentionCache): { dq: GpuTensor; dk: GpuTensor; dv: GpuTensor } {
  return scope(() => {
    const dp = batchedMatmul(dout, v, { transB: true });
    const ds = softmaxBackward(p, dp, scale);
    return {
      dq: batchedMatmul(ds, k),
      dk: batchedMatmul(ds, q, { transA: true }),
      dv: batchedMatmul(p, dout, { transA: true }),
    };
  });
}
