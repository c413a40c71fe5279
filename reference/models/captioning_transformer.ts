import { makeRng, randnTensor } from '../rng';
import { scalar, tensor, type Tensor } from '../tensor';
import { layerWeights } from '../transformer_layer';
import type { Shaped } from '../validate';
import type { Model } from './backend';
import { cellEncoderBackward, cellEncoderForward, initCellEncoder, REFERENCE_CAPTION_OPS, sum, type CaptionOps } from './captioning_ops';
import { startTokens } from './digit_strips';

/**
 * cs231n's CaptioningTransformer (A3) on image cells X (N, P, Dc) and captions (N, L), composed of
 * the ops of CaptionOps (written once; reference ops here, twins in accelerated/models):
 *   memory = cell features + pos (N, P, E): one token per cell, the features from the cell encoder of
 *     captioning_ops.ts (a relu MLP shared by the cells), pos (P, E) a learned position embedding;
 *   x = word_embedding(captions_in, W_embed) + positional_encoding(0 … T−1);
 *   x ← transformer_decoder_layer(x, memory, layer k's weights, causal tgt_mask) for k = 0 … layers−1
 *       (post-norm, relu FFN of width F, num_heads heads; weights named layer<k>_<name>);
 *   scores = temporal_affine(x, W_out, b_out); L = temporal_softmax_loss(scores, captions_out, captions_out ≠ <NULL>).
 * Greedy sampling: tokens (N, L) start as <START>, <NULL>…; step t runs the decoder on all L columns
 * (the causal mask keeps position t blind to the columns after it) and writes the arg-max word of
 * position t into column t + 1.
 */
export interface CaptioningTransformerSizes {
  P: number;
  Dc: number;
  /** The cell encoder's hidden width. */
  C: number;
  V: number;
  /** Model width, feed-forward width, heads and decoder layers. */
  E: number;
  F: number;
  heads: number;
  layers: number;
}

const DECODER_WEIGHTS = layerWeights(['self', 'cross']);
const layerName = (k: number, name: string) => `layer${k}_${name}`;

/** Matrices ~ N(0, 1)/√fan_in from the seed (W_embed and pos ~ N(0, 1)/√E), biases and β 0, γ 1. */
export function initCaptioningTransformer({ P, Dc, C, V, E, F, layers }: CaptioningTransformerSizes, seed: number): Record<string, Tensor> {
  const rng = makeRng(`init:captioning_transformer:${seed}`);
  const scaled = (shape: number[], fanIn: number) => randnTensor(shape, rng, 1 / Math.sqrt(fanIn));
  const decoderWeight = (name: string): Tensor => {
    if (name === 'W1') return scaled([E, F], E);
    if (name === 'W2') return scaled([F, E], F);
    if (name.includes('_W')) return scaled([E, E], E);
    const t = tensor([name === 'b1' ? F : E]);
    if (name.endsWith('gamma')) t.data.fill(1);
    return t;
  };
  const params: Record<string, Tensor> = {
    ...initCellEncoder(Dc, C, E, rng),
    pos: scaled([P, E], E),
    W_embed: scaled([V, E], E),
  };
  for (let k = 0; k < layers; k++) for (const name of DECODER_WEIGHTS) params[layerName(k, name)] = decoderWeight(name);
  return { ...params, W_out: scaled([E, V], E), b_out: tensor([V]) };
}

export interface CaptioningTransformerOptions {
  /** Caption length L; sampling fills columns 1 … L − 1. */
  length: number;
  heads: number;
  F: number;
  layers: number;
}

type Params<T> = Record<string, T>;

/** (N, T, T) with 1 (masked) where key j > query i. */
function causalMask(N: number, T: number): Tensor {
  return tensor(
    [N, T, T],
    Array.from({ length: N * T * T }, (_, i) => (i % T > Math.floor(i / T) % T ? 1 : 0)),
  );
}

export function captioningTransformer<T extends Shaped>(ops: CaptionOps<T>, { length, heads, F, layers }: CaptioningTransformerOptions): Model<T> {
  const settings = { num_heads: heads, dim_feedforward: F };

  function memoryForward(p: Params<T>, X: T) {
    const [N, P] = X.shape;
    const E = p.W_proj.shape[1];
    const encoded = cellEncoderForward(ops, p, X);
    const memory = ops.addPositions(ops.view(encoded.out, [N, P, E]), p.pos);
    ops.release(encoded.out);
    return { memory, cache: encoded.cache };
  }

  /** The decoder stack on tokens (N, T) → scores (N, T, V), with the caches of every layer. */
  function decode(p: Params<T>, memory: T, tokens: T) {
    const [N, T] = tokens.shape;
    const E = p.W_embed.shape[1];
    const positions = ops.upload(
      tensor(
        [T],
        Array.from({ length: T }, (_, t) => t),
      ),
      'i32',
    );
    const mask = ops.upload(causalMask(N, T), 'i32');
    const embedded = ops.wordEmbeddingForward(tokens, p.W_embed);
    const table = ops.positionalEncodingForward(positions, { E }).out;
    let x = ops.addPositions(embedded.out, table);
    const layerCaches: unknown[] = [];
    for (let k = 0; k < layers; k++) {
      const weights = DECODER_WEIGHTS.map((name) => p[layerName(k, name)]);
      const layer = ops.transformerDecoderLayerForward(x, memory, ...weights, mask, settings);
      layerCaches.push(layer.cache);
      x = layer.out;
    }
    const scores = ops.temporalAffineForward(x, p.W_out, p.b_out);
    return { scores: scores.out, embedded, layerCaches, outCache: scores.cache };
  }

  /** Teacher-forced loss and gradients; the scope frees the caches and intermediates. */
  const loss = (p: Params<T>, X: T, captions: T) =>
    ops.scope(() => {
      const { captionsIn, captionsOut, mask } = ops.splitCaptions(captions);
      const image = memoryForward(p, X);
      const run = decode(p, image.memory, captionsIn);
      const data = ops.temporalSoftmaxLossForward(run.scores, captionsOut, mask);
      const dloss = ops.upload(scalar(1));
      const dscores = ops.temporalSoftmaxLossBackward(dloss, data.cache).dx;
      const out = ops.temporalAffineBackward(dscores, run.outCache);
      const grads: Params<T> = { dW_out: out.dw, db_out: out.db };
      let dx = out.dx;
      let dmemory: T | undefined;
      for (let k = layers - 1; k >= 0; k--) {
        const { dtgt, dmemory: dm, ...g } = ops.transformerDecoderLayerBackward(dx, run.layerCaches[k]);
        for (const name of DECODER_WEIGHTS) grads[`d${layerName(k, name)}`] = g[`d${name}`];
        dmemory = dmemory ? sum(ops, dmemory, dm) : dm;
        ops.release(dx);
        dx = dtgt;
      }
      // The positional-encoding table is a constant: the embedding's gradient is dx itself.
      grads.dW_embed = ops.wordEmbeddingBackward(dx, run.embedded.cache).dW;
      grads.dpos = ops.sumOverBatch(dmemory!);
      const [N, P, E] = dmemory!.shape;
      Object.assign(grads, cellEncoderBackward(ops, ops.view(dmemory!, [N * P, E]), image.cache));
      return { loss: data.loss, grads };
    });

  /** Greedy captions: each step decodes in a scope of its own, which frees its caches. */
  const sample = (p: Params<T>, X: T): T =>
    ops.scope(() => {
      const [N] = X.shape;
      const tokens = ops.upload(startTokens(N, length), 'i32');
      const image = memoryForward(p, X);
      for (let t = 0; t + 1 < length; t++) {
        ops.scope(() => ops.writeArgmax(decode(p, image.memory, tokens).scores, t, tokens, t + 1));
      }
      return tokens;
    });

  return { loss, scores: sample };
}

export const referenceCaptioningTransformer = (options: CaptioningTransformerOptions): Model<Tensor> => captioningTransformer(REFERENCE_CAPTION_OPS, options);
