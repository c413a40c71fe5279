import { affineBackward, affineForward } from './affine';
import { attentionBackward, attentionForward, validateMask, type AttentionCache } from './attention';
import { hyper } from './hyperparams';
import { reshape, tensor, type Tensor } from './tensor';
import { InputError, requireFinite, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

const OP = 'multi_head_attention';

export interface MultiHeadAttentionParams {
  num_heads?: number;
}

export interface MultiHeadAttentionCache {
  query: Tensor;
  key: Tensor;
  value: Tensor;
  Wq: Tensor;
  Wk: Tensor;
  Wv: Tensor;
  Wo: Tensor;
  /** The heads' outputs merged back to (N·S, E), the input of the output projection. */
  merged: Tensor;
  heads: number;
  attention: AttentionCache;
}

/**
 * query (N, S, E), key and value (N, T, E), weights (E, E), biases (E), all finite and non-empty;
 * num_heads an integer ≥ 1 dividing E; the optional mask (N, S, T) as scaled_dot_product_attention's.
 */
export function validateMultiHeadAttention(
  query: Shaped,
  key: Shaped,
  value: Shaped,
  Wq: Shaped,
  Wk: Shaped,
  Wv: Shaped,
  Wo: Shaped,
  bq: Shaped,
  bk: Shaped,
  bv: Shaped,
  bo: Shaped,
  mask: Shaped | undefined,
  params: MultiHeadAttentionParams,
): { N: number; S: number; T: number; E: number; H: number } {
  requireRank(OP, 'query', query, 3);
  const [N, S, E] = query.shape;
  requireRank(OP, 'key', key, 3);
  requireShape(OP, 'key', key, [N, 'T', E], `N = ${N}, E = ${E} from query`);
  const T = key.shape[1];
  requireShape(OP, 'value', value, [N, T, E], `N = ${N}, E = ${E} from query, T = ${T} from key`);
  const weights = [
    ['Wq', Wq],
    ['Wk', Wk],
    ['Wv', Wv],
    ['Wo', Wo],
  ] as const;
  const biases = [
    ['bq', bq],
    ['bk', bk],
    ['bv', bv],
    ['bo', bo],
  ] as const;
  for (const [name, w] of weights) requireShape(OP, name, w, [E, E], `E = ${E} from query`);
  for (const [name, b] of biases) requireShape(OP, name, b, [E], `E = ${E} from query`);
  for (const [name, t] of [
    ['query', query],
    ['key', key],
    ['value', value],
  ] as const)
    requirePositiveSizes(OP, name, t);
  for (const [name, t] of [['query', query], ['key', key], ['value', value], ...weights, ...biases] as const) requireFinite(OP, name, t);
  const H = hyper(OP, params, 'num_heads', undefined, { min: 1, integer: true });
  if (E % H !== 0) throw new InputError(OP, 'num_heads', `a divisor of E = ${E}`, String(H));
  validateMask(OP, mask, N, S, T, false, `N = ${N}, S = ${S} from query, T = ${T} from key`);
  return { N, S, T, E, H };
}

/** x (N, L, E) → (N·H, L, E/H): head h of sample n is problem n·H + h, holding columns h·E/H … (h+1)·E/H − 1. */
function splitHeads(x: Tensor, N: number, L: number, H: number): Tensor {
  const E = x.data.length / (N * L);
  const dh = E / H;
  const out = tensor([N * H, L, dh]);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let l = 0; l < L; l++) for (let d = 0; d < dh; d++) out.data[((n * H + h) * L + l) * dh + d] = x.data[(n * L + l) * E + h * dh + d];
  return out;
}

/** The inverse of splitHeads: (N·H, L, E/H) → (N·L, E). */
function mergeHeads(x: Tensor, N: number, H: number): Tensor {
  const [, L, dh] = x.shape;
  const E = H * dh;
  const out = tensor([N * L, E]);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let l = 0; l < L; l++) for (let d = 0; d < dh; d++) out.data[(n * L + l) * E + h * dh + d] = x.data[((n * H + h) * L + l) * dh + d];
  return out;
}

/** x (N, L, E) → x·W + b as (N·L, E). */
const project = (x: Tensor, W: Tensor, b: Tensor): Tensor => {
  const [N, L, E] = x.shape;
  return affineForward(reshape(x, [N * L, E]), W, b).out;
};

/**
 * Q = query·Wq + bq, K = key·Wk + bk, V = value·Wv + bv; head h takes columns h·dh … (h+1)·dh − 1
 * (dh = E/num_heads) of each: A_h = softmax(Q_h·K_hᵀ/√dh, masked keys −∞)·V_h;
 * out = [A_0 … A_{H−1}]·Wo + bo  (N, S, E).
 */
export function multiHeadAttentionForward(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  Wq: Tensor,
  Wk: Tensor,
  Wv: Tensor,
  Wo: Tensor,
  bq: Tensor,
  bk: Tensor,
  bv: Tensor,
  bo: Tensor,
  mask: Tensor | undefined,
  params: MultiHeadAttentionParams,
): { out: Tensor; cache: MultiHeadAttentionCache } {
  const { N, S, T, E, H } = validateMultiHeadAttention(query, key, value, Wq, Wk, Wv, Wo, bq, bk, bv, bo, mask, params);
  const attended = attentionForward(
    splitHeads(project(query, Wq, bq), N, S, H),
    splitHeads(project(key, Wk, bk), N, T, H),
    splitHeads(project(value, Wv, bv), N, T, H),
    { mask, causal: false, heads: H },
    1 / Math.sqrt(E / H),
  );
  const merged = mergeHeads(attended.out, N, H);
  const out = reshape(affineForward(merged, Wo, bo).out, [N, S, E]);
  return { out, cache: { query, key, value, Wq, Wk, Wv, Wo, merged, heads: H, attention: attended.cache } };
}

/**
 * Back through the output projection (dWo = mergedᵀ·dout, dbo = Σ dout), each head (the backward of
 * scaled_dot_product_attention with scale 1/√dh) and each input projection (dx = dX·Wᵀ, dW = xᵀ·dX,
 * db = Σ dX for X = Q, K, V). dbk is identically 0: bk shifts a query row's scores by a constant.
 */
export function multiHeadAttentionBackward(
  dout: Tensor,
  cache: MultiHeadAttentionCache,
): Record<'dquery' | 'dkey' | 'dvalue' | 'dWq' | 'dWk' | 'dWv' | 'dWo' | 'dbq' | 'dbk' | 'dbv' | 'dbo', Tensor> {
  const { query, key, value, Wq, Wk, Wv, Wo, merged, heads: H, attention } = cache;
  const [N, S, E] = query.shape;
  requireShape(`${OP}_backward`, 'dout', dout, [N, S, E], 'the shape of query');
  const output = affineBackward(reshape(dout, [N * S, E]), { x: merged, w: Wo });
  const { dq, dk, dv } = attentionBackward(splitHeads(output.dx, N, S, H), attention);
  const back = (x: Tensor, W: Tensor, dX: Tensor) => {
    const [, L] = x.shape;
    const g = affineBackward(mergeHeads(dX, N, H), { x: reshape(x, [N * L, E]), w: W });
    return { dx: reshape(g.dx, x.shape), dw: g.dw, db: g.db };
  };
  const q = back(query, Wq, dq);
  const k = back(key, Wk, dk);
  const v = back(value, Wv, dv);
  return {
    dquery: q.dx,
    dkey: k.dx,
    dvalue: v.dx,
    dWq: q.dw,
    dWk: k.dw,
    dWv: v.dw,
    dWo: output.dw,
    dbq: q.db,
    dbk: k.db,
    dbv: v.db,
    dbo: output.db,
  };
}
