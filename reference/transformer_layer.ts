import { validateMask } from './attention';
import { flag } from './choices';
import { hyper } from './hyperparams';
import { epsParam } from './normalization';
import { scopedLoop, type ScopeHook } from './scoped_loop';
import { InputError, requireFinite, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

/**
 * The transformer encoder and decoder layers (docs/ops.md "Attention"), composed of existing ops:
 * multi_head_attention, layernorm, affine and relu. The composition is written once, generic over
 * the tensor type, and instantiated with the reference ops (reference/transformer_*_layer.ts) and
 * with their twins (accelerated/transformer_*_layer.ts), so the twin keeps every tensor on the device.
 *
 * Each sublayer f (self-attention, cross-attention, feed-forward) sits in a residual block with layer
 * norm k, as nn.TransformerEncoderLayer / nn.TransformerDecoderLayer (dropout off: these layers take
 * no dropout, a check would need it off anyway):
 *   post-norm (norm_first = false, PyTorch's default):  x ← LN_k(x + f(x))
 *   pre-norm  (norm_first = true):                      x ← x + f(LN_k(x))
 * The feed-forward network is FFN(x) = relu(x·W1 + b1)·W2 + b2 on each position.
 */
export interface TransformerLayerParams {
  num_heads?: unknown;
  dim_feedforward?: unknown;
  norm_first?: unknown;
  eps?: unknown;
}

/** Named weights of one attention block: `${prefix}_Wq` … `${prefix}_bo`, as multi_head_attention's inputs. */
const ATTENTION_WEIGHTS = ['Wq', 'Wk', 'Wv', 'Wo'] as const;
const ATTENTION_BIASES = ['bq', 'bk', 'bv', 'bo'] as const;
export const attentionInputs = (prefix: string): string[] => [...ATTENTION_WEIGHTS, ...ATTENTION_BIASES].map((w) => `${prefix}_${w}`);
export const FFN_INPUTS = ['W1', 'b1', 'W2', 'b2'];
export const normInputs = (k: number): string[] => [`ln${k}_gamma`, `ln${k}_beta`];

/** The layer norms' γ and β, one norm per block: the attention blocks, then the feed-forward. */
const layerNorms = (attentionPrefixes: readonly string[]): string[] => Array.from({ length: attentionPrefixes.length + 1 }, (_, k) => normInputs(k + 1)).flat();

/** The weight inputs of a layer with these attention blocks, in argument order. */
export const layerWeights = (attentionPrefixes: readonly string[]): string[] => [
  ...attentionPrefixes.flatMap(attentionInputs),
  ...FFN_INPUTS,
  ...layerNorms(attentionPrefixes),
];

/**
 * The ops a layer is composed of, on tensors of type T (caches are opaque to the composition), and the
 * scope each block and sublayer gradient runs in.
 */
export interface LayerOps<T extends Shaped> extends ScopeHook {
  multiHeadAttentionForward(
    query: T,
    key: T,
    value: T,
    Wq: T,
    Wk: T,
    Wv: T,
    Wo: T,
    bq: T,
    bk: T,
    bv: T,
    bo: T,
    mask: T | undefined,
    params: { num_heads: number },
  ): { out: T; cache: unknown };
  multiHeadAttentionBackward(dout: T, cache: unknown): Record<'dquery' | 'dkey' | 'dvalue' | 'dWq' | 'dWk' | 'dWv' | 'dWo' | 'dbq' | 'dbk' | 'dbv' | 'dbo', T>;
  layernormForward(x: T, gamma: T, beta: T, params: { eps: number }): { out: T; cache: unknown };
  layernormBackward(dout: T, cache: unknown): { dx: T; dgamma: T; dbeta: T };
  affineForward(x: T, w: T, b: T): { out: T; cache: unknown };
  affineBackward(dout: T, cache: unknown): { dx: T; dw: T; db: T };
  reluForward(x: T): { out: T; cache: unknown };
  reluBackward(dout: T, cache: unknown): { dx: T };
  add(a: T, b: T): T;
  reshape(t: T, shape: readonly number[]): T;
}

export interface LayerSettings {
  heads: number;
  eps: number;
  normFirst: boolean;
}

/** A sublayer f: its backward maps df(x) to dx plus the gradients of its own inputs, keyed `d` + name. */
interface Sublayer<T> {
  forward(x: T): { out: T; cache: unknown };
  backward(dy: T, cache: unknown): { dx: T; grads: Record<string, T> };
}

type Weights<T> = Record<string, T>;

/** Attention of the stream x to `source(x)` (x itself, or the memory) with the block's weights. */
function attentionSublayer<T extends Shaped>(ops: LayerOps<T>, w: Weights<T>, prefix: string, s: LayerSettings, mask: T | undefined, memory?: T): Sublayer<T> {
  const [Wq, Wk, Wv, Wo, bq, bk, bv, bo] = attentionInputs(prefix).map((name) => w[name]);
  return {
    forward: (x) => {
      const kv = memory ?? x;
      return ops.multiHeadAttentionForward(x, kv, kv, Wq, Wk, Wv, Wo, bq, bk, bv, bo, mask, { num_heads: s.heads });
    },
    backward: (dy, cache) =>
      ops.scope(() => {
        // The inner scope frees dkey and dvalue once summed, the outer one dquery and dkv once summed.
        const { dquery, dkv, grads } = ops.scope(() => {
          const g = ops.multiHeadAttentionBackward(dy, cache);
          const grads: Record<string, T> = Object.fromEntries([...ATTENTION_WEIGHTS, ...ATTENTION_BIASES].map((name) => [`d${prefix}_${name}`, g[`d${name}`]]));
          return { dquery: g.dquery, dkv: ops.add(g.dkey, g.dvalue), grads };
        });
        if (memory) return { dx: dquery, grads: { ...grads, dmemory: dkv } };
        return { dx: ops.add(dquery, dkv), grads };
      }),
  };
}

/** FFN(x) = relu(x·W1 + b1)·W2 + b2 on the (N·L, E) rows of x (N, L, E). */
function feedForwardSublayer<T extends Shaped>(ops: LayerOps<T>, w: Weights<T>): Sublayer<T> {
  return {
    forward: (x) => {
      const [N, L, E] = x.shape;
      const hidden = ops.affineForward(ops.reshape(x, [N * L, E]), w.W1, w.b1);
      const activated = ops.reluForward(hidden.out);
      const projected = ops.affineForward(activated.out, w.W2, w.b2);
      return { out: ops.reshape(projected.out, x.shape), cache: { caches: [hidden.cache, activated.cache, projected.cache] } };
    },
    backward: (dy, cache) =>
      ops.scope(() => {
        const [hidden, activated, projected] = (cache as { caches: unknown[] }).caches;
        const [N, L, E] = dy.shape;
        const second = ops.affineBackward(ops.reshape(dy, [N * L, E]), projected);
        const dhidden = ops.reluBackward(second.dx, activated).dx;
        const first = ops.affineBackward(dhidden, hidden);
        return { dx: ops.reshape(first.dx, dy.shape), grads: { dW1: first.dw, db1: first.db, dW2: second.dw, db2: second.db } };
      }),
  };
}

/** Layer norm k over the last axis of x (N, L, E). */
function normForward<T extends Shaped>(ops: LayerOps<T>, x: T, w: Weights<T>, k: number, eps: number): { out: T; cache: unknown } {
  const [N, L, E] = x.shape;
  const [gamma, beta] = normInputs(k).map((name) => w[name]);
  const normed = ops.layernormForward(ops.reshape(x, [N * L, E]), gamma, beta, { eps });
  return { out: ops.reshape(normed.out, x.shape), cache: normed.cache };
}

function normBackward<T extends Shaped>(ops: LayerOps<T>, dy: T, cache: unknown, k: number): { dx: T; grads: Record<string, T> } {
  const [N, L, E] = dy.shape;
  const g = ops.layernormBackward(ops.reshape(dy, [N * L, E]), cache);
  return { dx: ops.reshape(g.dx, dy.shape), grads: { [`dln${k}_gamma`]: g.dgamma, [`dln${k}_beta`]: g.dbeta } };
}

interface ResidualCache {
  norm: unknown;
  sub: unknown;
}

/** Post-norm: LN_k(x + f(x)); pre-norm: x + f(LN_k(x)). Runs in its block's scope, which frees f(x) and the sum. */
function residualForward<T extends Shaped>(
  ops: LayerOps<T>,
  f: Sublayer<T>,
  x: T,
  w: Weights<T>,
  k: number,
  s: LayerSettings,
): { out: T; cache: ResidualCache } {
  if (s.normFirst) {
    const norm = normForward(ops, x, w, k, s.eps);
    const sub = f.forward(norm.out);
    return { out: ops.add(x, sub.out), cache: { norm: norm.cache, sub: sub.cache } };
  }
  const sub = f.forward(x);
  const norm = normForward(ops, ops.add(x, sub.out), w, k, s.eps);
  return { out: norm.out, cache: { norm: norm.cache, sub: sub.cache } };
}

/** Post-norm: dz = LN_k'(dy), dx = dz + f'(dz); pre-norm: dx = dy + LN_k'(f'(dy)). Runs in its block's scope, which frees the two terms. */
function residualBackward<T extends Shaped>(
  ops: LayerOps<T>,
  f: Sublayer<T>,
  dy: T,
  cache: ResidualCache,
  k: number,
  s: LayerSettings,
): { dx: T; grads: Record<string, T> } {
  if (s.normFirst) {
    const sub = f.backward(dy, cache.sub);
    const norm = normBackward(ops, sub.dx, cache.norm, k);
    return { dx: ops.add(dy, norm.dx), grads: { ...sub.grads, ...norm.grads } };
  }
  const norm = normBackward(ops, dy, cache.norm, k);
  const sub = f.backward(norm.dx, cache.sub);
  return { dx: ops.add(norm.dx, sub.dx), grads: { ...sub.grads, ...norm.grads } };
}

export interface LayerCache<T> {
  /** The stream's shape (N, L, E), which out and so dout have. */
  shape: readonly number[];
  sublayers: Sublayer<T>[];
  caches: ResidualCache[];
  settings: LayerSettings;
}

/**
 * Runs the residual blocks in order: the attention blocks named by `attentions` (a prefix each, with
 * the memory for cross-attention), then the feed-forward network; block k uses layer norm k. A block's
 * scope frees its input (the block before's output) unless the caches hold it.
 */
export function layerForward<T extends Shaped>(
  ops: LayerOps<T>,
  x: T,
  w: Weights<T>,
  s: LayerSettings,
  attentions: readonly { prefix: string; mask?: T; memory?: T }[],
): { out: T; cache: LayerCache<T> } {
  const sublayers = [...attentions.map(({ prefix, mask, memory }) => attentionSublayer(ops, w, prefix, s, mask, memory)), feedForwardSublayer(ops, w)];
  const first = { out: x, caches: [] as ResidualCache[] };
  const { out, caches } = scopedLoop(ops, first, sublayers.length, (stream, i) => {
    const block = residualForward(ops, sublayers[i], stream.out, w, i + 1, s);
    return { out: block.out, caches: [...stream.caches, block.cache] };
  });
  return { out, cache: { shape: x.shape, sublayers, caches, settings: s } };
}

/** The upstream gradient of a layer of `op` must have the shape of its stream (named `streamName`). */
export function requireLayerGrad(op: string, streamName: string, dout: Shaped, cache: LayerCache<unknown>): void {
  requireShape(`${op}_backward`, 'dout', dout, cache.shape, `the shape of ${streamName}`);
}

/**
 * Back through the blocks in reverse, step j in block last − j's scope, which frees the gradient it
 * was given (the block after's dx); gradients of a shared input (the memory) are summed.
 */
export function layerBackward<T extends Shaped>(ops: LayerOps<T>, dout: T, cache: LayerCache<T>): { dx: T; grads: Record<string, T> } {
  const { sublayers, caches, settings } = cache;
  const last = sublayers.length - 1;
  return scopedLoop(ops, { dx: dout, grads: {} as Record<string, T> }, sublayers.length, (upstream, j) => {
    const block = residualBackward(ops, sublayers[last - j], upstream.dx, caches[last - j], last - j + 1, settings);
    const grads = { ...upstream.grads };
    for (const [name, g] of Object.entries(block.grads)) grads[name] = grads[name] ? ops.add(grads[name], g) : g;
    return { dx: block.dx, grads };
  });
}

/**
 * Shapes, values and params of a layer: the stream `x` (N, L, E) named `streamName`, the optional
 * memory (N, S, E), the weights of `layerWeights(prefixes)` ((E, E) and (E) per attention block,
 * W1 (E, F), b1 (F), W2 (F, E), b2 (E), γ and β (E) per norm), the optional self-attention mask
 * (N, L, L) named `maskName`; num_heads dividing E, dim_feedforward = F (default 2048 as PyTorch),
 * norm_first a boolean (default false), eps > 0 (default 1e-5).
 */
export function validateLayer(
  op: string,
  streamName: string,
  t: Record<string, Shaped | undefined>,
  prefixes: readonly string[],
  maskName: string,
  params: TransformerLayerParams,
): LayerSettings {
  const x = t[streamName] as Shaped;
  requireRank(op, streamName, x, 3);
  requirePositiveSizes(op, streamName, x);
  const [N, L, E] = x.shape;
  const from = `E = ${E} from ${streamName}`;
  const memory = t.memory;
  if (memory) {
    requireRank(op, 'memory', memory, 3);
    requireShape(op, 'memory', memory, [N, 'S', E], `N = ${N}, ${from}`);
    requirePositiveSizes(op, 'memory', memory);
  }
  const heads = hyper(op, params, 'num_heads', undefined, { min: 1, integer: true });
  if (E % heads !== 0) throw new InputError(op, 'num_heads', `a divisor of E = ${E}`, String(heads));
  const F = hyper(op, params, 'dim_feedforward', 2048, { min: 1, integer: true });
  const ffn = `${from}, F = ${F} from dim_feedforward`;
  const shapes: [string, number[], string][] = [
    ...prefixes.flatMap((p) => attentionInputs(p).map((name): [string, number[], string] => [name, name.includes('_W') ? [E, E] : [E], from])),
    ['W1', [E, F], ffn],
    ['b1', [F], ffn],
    ['W2', [F, E], ffn],
    ['b2', [E], from],
    ...layerNorms(prefixes).map((name): [string, number[], string] => [name, [E], from]),
  ];
  for (const [name, shape, why] of shapes) requireShape(op, name, t[name] as Shaped, shape, why);
  for (const name of [streamName, ...(memory ? ['memory'] : []), ...layerWeights(prefixes)]) requireFinite(op, name, t[name] as Shaped);
  const normFirst = flag(op, params, 'norm_first', false);
  const eps = epsParam(op, params);
  validateMask(op, t[maskName], N, L, L, false, `N = ${N}, ${streamName === 'x' ? 'S' : 'T'} = ${L} from ${streamName}`, maskName);
  return { heads, eps, normFirst };
}
