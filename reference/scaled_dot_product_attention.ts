import { attentionBackward, attentionForward, validateMask, type AttentionCache } from './attention';
import { flag } from './choices';
import type { Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

const OP = 'scaled_dot_product_attention';

export interface ScaledDotProductAttentionParams {
  /** Mask key j > query i (default false). */
  causal?: boolean;
}

/**
 * q (N, Tq, D), k (N, Tk, D), v (N, Tk, Dv) finite and non-empty; the optional mask (N, Tq, Tk) holds
 * 0s and 1s (1 = masked out) and, with causal, leaves every query row at least one key.
 */
export function validateScaledDotProductAttention(
  q: Shaped,
  k: Shaped,
  v: Shaped,
  mask: Shaped | undefined,
  params: ScaledDotProductAttentionParams = {},
): { N: number; Tq: number; Tk: number; D: number; Dv: number; causal: boolean } {
  requireRank(OP, 'q', q, 3);
  const [N, Tq, D] = q.shape;
  requireRank(OP, 'k', k, 3);
  requireShape(OP, 'k', k, [N, 'Tk', D], `N = ${N}, D = ${D} from q`);
  const Tk = k.shape[1];
  requireRank(OP, 'v', v, 3);
  requireShape(OP, 'v', v, [N, Tk, 'Dv'], `N = ${N} from q, Tk = ${Tk} from k`);
  const Dv = v.shape[2];
  for (const [name, t] of [
    ['q', q],
    ['k', k],
    ['v', v],
  ] as const)
    requirePositiveSizes(OP, name, t);
  for (const [name, t] of [
    ['q', q],
    ['k', k],
    ['v', v],
  ] as const)
    requireFinite(OP, name, t);
  const causal = flag(OP, params, 'causal', false);
  validateMask(OP, mask, N, Tq, Tk, causal, `N = ${N}, Tq = ${Tq} from q, Tk = ${Tk} from k`);
  return { N, Tq, Tk, D, Dv, causal };
}

/**
 * out[n, i, :] = Σ_j p[n, i, j]·v[n, j, :],  p[n, i, :] = softmax_j(q[n, i]·k[n, j] / √D) with the
 * scores of masked keys (mask = 1, or j > i when causal) set to −∞ before the max-subtracted softmax.
 */
export function scaledDotProductAttentionForward(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  mask: Tensor | undefined,
  params: ScaledDotProductAttentionParams = {},
): { out: Tensor; cache: AttentionCache } {
  const { D, causal } = validateScaledDotProductAttention(q, k, v, mask, params);
  return attentionForward(q, k, v, { mask, causal, heads: 1 }, 1 / Math.sqrt(D));
}

/**
 * dv = pᵀ·dout;  dp = dout·vᵀ;  ds[i, j] = p[i, j]·(dp[i, j] − Σ_j' p[i, j']·dp[i, j']);
 * dq = ds·k / √D;  dk = dsᵀ·q / √D  (per sample; masked keys have p = 0, so ds = 0; the mask has no gradient).
 */
export function scaledDotProductAttentionBackward(dout: Tensor, cache: AttentionCache): { dq: Tensor; dk: Tensor; dv: Tensor } {
  const [N, Tq] = cache.q.shape;
  requireShape(`${OP}_backward`, 'dout', dout, [N, Tq, cache.v.shape[2]], 'N, Tq from q and Dv from v');
  return attentionBackward(dout, cache);
}
