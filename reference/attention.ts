import { tensor, type Tensor } from './tensor';
import { InputError, requireShape, requireZeroOne, type Shaped } from './validate';

/**
 * The attention core shared by scaled_dot_product_attention and multi_head_attention (docs/ops.md
 * "Attention"), on batches of B = N·heads independent problems q (B, Tq, D), k (B, Tk, D),
 * v (B, Tk, Dv). A mask (N, Tq, Tk) is shared by the `heads` consecutive problems of one sample;
 * its value 1 means *masked out* (EECS498 and nn.MultiheadAttention polarity).
 */
export interface Masking {
  /** (N, Tq, Tk) of 0s and 1s, 1 = masked out; absent: no mask. */
  mask?: Tensor;
  /** Also mask key j > query i. */
  causal: boolean;
  /** Problems per mask sample: problem b reads mask sample ⌊b / heads⌋. */
  heads: number;
}

/** Whether key j is hidden from query i of problem b. */
export function isMasked({ mask, causal, heads }: Masking, b: number, i: number, j: number): boolean {
  if (causal && j > i) return true;
  if (!mask) return false;
  const [, Tq, Tk] = mask.shape;
  return mask.data[(Math.floor(b / heads) * Tq + i) * Tk + j] === 1;
}

/**
 * mask (N, Tq, Tk) of 0s and 1s, leaving every query row at least one key once `causal` (key j > query
 * i) is applied too: a fully masked row has no softmax. Tq, Tk ≥ 1: the callers reject empty inputs first.
 */
export function validateMask(op: string, mask: Shaped | undefined, N: number, Tq: number, Tk: number, causal: boolean, why: string, arg = 'mask'): void {
  if (!mask) return;
  requireShape(op, arg, mask, [N, Tq, Tk], why);
  requireZeroOne(op, arg, mask);
  const data = mask.data;
  if (!data) return;
  for (let r = 0; r < N * Tq; r++) {
    const i = r % Tq;
    let open = false;
    for (let j = 0; j < Tk && !open; j++) open = data[r * Tk + j] === 0 && !(causal && j > i);
    if (!open) {
      const where = `query row [${Math.floor(r / Tq)}, ${i}]${causal ? ' (with causal)' : ''}`;
      throw new InputError(op, arg, 'at least one unmasked key in every query row', `every key masked in ${where}`);
    }
  }
}

export interface AttentionCache {
  q: Tensor;
  k: Tensor;
  v: Tensor;
  /** The attention weights (B, Tq, Tk), 0 where masked. */
  p: Tensor;
  scale: number;
}

/**
 * s[b, i, j] = scale·Σ_d q[b, i, d]·k[b, j, d], or −∞ where masked;
 * p[b, i, :] = softmax(s[b, i, :]) (max-subtracted); out[b, i, e] = Σ_j p[b, i, j]·v[b, j, e]
 */
export function attentionForward(q: Tensor, k: Tensor, v: Tensor, masking: Masking, scale: number): { out: Tensor; cache: AttentionCache } {
  const [B, Tq, D] = q.shape;
  const Tk = k.shape[1];
  const Dv = v.shape[2];
  const p = tensor([B, Tq, Tk]);
  const out = tensor([B, Tq, Dv]);
  const s = new Float64Array(Tk);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Tq; i++) {
      let max = -Infinity;
      for (let j = 0; j < Tk; j++) {
        let dot = 0;
        for (let d = 0; d < D; d++) dot += q.data[(b * Tq + i) * D + d] * k.data[(b * Tk + j) * D + d];
        s[j] = isMasked(masking, b, i, j) ? -Infinity : scale * dot;
        max = Math.max(max, s[j]);
      }
      let z = 0;
      for (let j = 0; j < Tk; j++) z += Math.exp(s[j] - max); // exp(−∞) = 0 for masked keys
      const row = (b * Tq + i) * Tk;
      for (let j = 0; j < Tk; j++) p.data[row + j] = Math.exp(s[j] - max) / z;
      for (let e = 0; e < Dv; e++) {
        let acc = 0;
        for (let j = 0; j < Tk; j++) acc += p.data[row + j] * v.data[(b * Tk + j) * Dv + e];
        out.data[(b * Tq + i) * Dv + e] = acc;
      }
    }
  }
  return { out, cache: { q, k, v, p, scale } };
}

/**
 * dv = pᵀ·dout;  dp = dout·vᵀ;  ds[i, j] = p[i, j]·(dp[i, j] − Σ_j' p[i, j']·dp[i, j']) (0 where masked, as p);
 * dq = scale·ds·k;  dk = scale·dsᵀ·q  (per problem b)
 */
export function attentionBackward(dout: Tensor, cache: AttentionCache): { dq: Tensor; dk: Tensor; dv: Tensor } {
  const { q, k, v, p, scale } = cache;
  const [B, Tq, D] = q.shape;
  const Tk = k.shape[1];
  const Dv = v.shape[2];
  const dq = tensor(q.shape);
  const dk = tensor(k.shape);
  const dv = tensor(v.shape);
  const dp = new Float64Array(Tk);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Tq; i++) {
      const row = (b * Tq + i) * Tk;
      const g = (b * Tq + i) * Dv;
      let total = 0;
      for (let j = 0; j < Tk; j++) {
        let acc = 0;
        for (let e = 0; e < Dv; e++) {
          acc += dout.data[g + e] * v.data[(b * Tk + j) * Dv + e];
          dv.data[(b * Tk + j) * Dv + e] += p.data[row + j] * dout.data[g + e];
        }
        dp[j] = acc;
        total += p.data[row + j] * acc;
      }
      for (let j = 0; j < Tk; j++) {
        const ds = scale * p.data[row + j] * (dp[j] - total);
        for (let d = 0; d < D; d++) {
          dq.data[(b * Tq + i) * D + d] += ds * k.data[(b * Tk + j) * D + d];
          dk.data[(b * Tk + j) * D + d] += ds * q.data[(b * Tq + i) * D + d];
        }
      }
    }
  }
  return { dq, dk, dv };
}
