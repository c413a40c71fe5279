import { makeRng, randnTensor } from '../rng';
import { scalar, tensor, type Tensor } from '../tensor';
import type { Shaped } from '../validate';
import type { Model } from './backend';
import { cellEncoderBackward, cellEncoderForward, initCellEncoder, REFERENCE_CAPTION_OPS, sum, type CaptionOps, type CellEncoderCache } from './captioning_ops';
import { startTokens } from './digit_strips';

/**
 * cs231n's CaptioningRNN (A3) on image cells X (N, P, Dc) and captions (N, L), composed of the ops
 * of CaptionOps (written once; REFERENCE_CAPTION_OPS here, the twins in accelerated/models):
 *
 * Image features: the cell encoder of captioning_ops.ts (relu(X·W_cell + b_cell)·W_proj + b_proj per
 *   cell, shared by the cells) gives one feature vector per cell.
 * rnn / lstm:  h0 = the P cells' features (H/P each) side by side (N, H), so the state knows each
 *   digit's place; x = word_embedding(captions_in, W_embed); h = rnn_forward(x, h0, Wx, Wh, b), or
 *   for the LSTM a loop of lstm_step from h0 = c0 = the features (cs231n's lstm_forward starts from
 *   c0 = 0, which left the digits to pass through the gates once and cost ~15 points of exact
 *   match); scores = temporal_affine(h, W_vocab, b_vocab); L = temporal_softmax_loss(scores,
 *   captions_out, captions_out ≠ <NULL>).
 * attention_lstm (cs231n's "LSTM with attention"): the attention grid is one feature vector per cell,
 *   F[n, p] = features of cell p + pos[p] (pos (P, H): a learned position embedding, since
 *   dot-product attention alone cannot tell the cells apart), laid out as A (N, H, √P, √P) (the P
 *   cells read row-major as the square grid); h0 = c0 = the mean of A over the grid (global_avg_pool);
 *   each step attends with the previous state, attn = dot_product_attention_step(h_{t−1}, A), and runs
 *   lstm_step on [x_t, attn] (Wx (W + H, 4H) acts on the word vector and the attention context: cs231n's
 *   x·Wx + attn·Wattn as one matmul).
 * Greedy sampling (scores of the Model): tokens (N, L) start as <START>, <NULL>…; step t feeds the word
 * of column t and writes the arg-max word into column t + 1 (all on the backend; nothing read back).
 */
export type CellKind = 'rnn' | 'lstm' | 'attention_lstm';

export interface CaptioningRnnSizes {
  /** Cells per strip, values per cell and the cell encoder's hidden width. */
  P: number;
  Dc: number;
  C: number;
  /** Vocabulary, word vector and hidden sizes. */
  V: number;
  W: number;
  H: number;
}

/** The square grid side √P of the attention LSTM's cells. */
function gridSide(P: number): number {
  const side = Math.round(Math.sqrt(P));
  if (side * side !== P) throw new Error(`captioning attention_lstm: P must be a perfect square (the cells form a square grid), got ${P}`);
  return side;
}

/**
 * Weights ~ N(0, 1)/√fan_in from the seed (W_embed and pos ~ N(0, 1)/√width), biases 0 (cs231n's
 * init) except the LSTMs' forget gate (forgetBias).
 */
export function initCaptioningRnn(cell: CellKind, { P, Dc, C, V, W, H }: CaptioningRnnSizes, seed: number): Record<string, Tensor> {
  const rng = makeRng(`init:captioning_${cell}:${seed}`);
  const attention = cell === 'attention_lstm';
  if (attention) gridSide(P);
  else if (H % P !== 0)
    throw new Error(`captioning ${cell}: the hidden size H must be a multiple of the cells P (H/P features per cell), got H = ${H}, P = ${P}`);
  const G = cell === 'rnn' ? H : 4 * H;
  const projOut = attention ? H : H / P;
  const stepIn = attention ? W + H : W;
  const scaled = (shape: number[], fanIn: number) => randnTensor(shape, rng, 1 / Math.sqrt(fanIn));
  return {
    ...initCellEncoder(Dc, C, projOut, rng),
    ...(attention ? { pos: scaled([P, H], H) } : {}),
    W_embed: scaled([V, W], W),
    Wx: scaled([stepIn, G], stepIn),
    Wh: scaled([H, G], H),
    b: cell === 'rnn' ? tensor([G]) : forgetBias(H),
    W_vocab: scaled([H, V], H),
    b_vocab: tensor([V]),
  };
}

/**
 * The LSTM bias (4H), gates i, f, o, g: 1 on the forget gate, 0 elsewhere (Jozefowicz et al. 2015),
 * so the cell state starts out keeping f ≈ 0.73 of itself per step instead of 0.5 and the first
 * digits' information reaches the later words.
 */
function forgetBias(H: number): Tensor {
  const b = tensor([4 * H]);
  b.data.fill(1, H, 2 * H);
  return b;
}

type Params<T> = Record<string, T>;

/** h0 (N, H) of the rnn / lstm captioner: the cells' features (N·P, H/P) side by side. */
function cellFeatures<T extends Shaped>(ops: CaptionOps<T>, p: Params<T>, X: T) {
  const [N, P] = X.shape;
  const encoded = cellEncoderForward(ops, p, X);
  return { h0: ops.view(encoded.out, [N, P * p.W_proj.shape[1]]), cache: encoded.cache, rows: encoded.out.shape };
}

interface GridCache {
  encoder: CellEncoderCache;
  pool: unknown;
  shape: readonly number[];
}

/** The attention grid A (N, H, √P, √P) of the cells and h0 = c0 = its mean. */
function attentionGridForward<T extends Shaped>(ops: CaptionOps<T>, p: Params<T>, X: T): { A: T; h0: T; cache: GridCache } {
  const [N, P] = X.shape;
  const H = p.W_proj.shape[1];
  const side = gridSide(P);
  const encoded = cellEncoderForward(ops, p, X);
  const features = ops.addPositions(ops.view(encoded.out, [N, P, H]), p.pos);
  const A = ops.view(ops.swapLastAxes(features), [N, H, side, side]);
  const pool = ops.globalAvgPoolForward(A);
  ops.release(encoded.out, features);
  return { A, h0: pool.out, cache: { encoder: encoded.cache, pool: pool.cache, shape: [N, P, H] } };
}

/** dA plus the mean's gradient (h0 and c0 are both the mean) back to the encoder and pos. */
function attentionGridBackward<T extends Shaped>(ops: CaptionOps<T>, dA: T, dh0: T, dc0: T, cache: GridCache) {
  const [N, P, H] = cache.shape;
  const dmean = ops.add(dh0, dc0);
  const dpool = ops.globalAvgPoolBackward(dmean, cache.pool).dx;
  const dgrid = ops.add(dA, dpool);
  const dfeatures = ops.swapLastAxes(ops.view(dgrid, [N, H, P]));
  const dpos = ops.sumOverBatch(dfeatures);
  const encoder = cellEncoderBackward(ops, ops.view(dfeatures, [N * P, H]), cache.encoder);
  ops.release(dmean, dpool, dgrid, dfeatures);
  return { ...encoder, dpos };
}

interface AttentionStepCache {
  /** The attention's cache; none for the plain LSTM (lstmStepForward). */
  attention?: unknown;
  lstm: unknown;
  W: number;
}

/** (h, c) ← lstm_step(x, h, c): the plain LSTM's step in the loop of lstmLoopForward. */
function plainLstmStepForward<T extends Shaped>(ops: CaptionOps<T>, p: Params<T>, x: T, h: T, c: T) {
  const step = ops.lstmStepForward(x, h, c, p.Wx, p.Wh, p.b);
  const cache: AttentionStepCache = { lstm: step.cache, W: x.shape[1] };
  return { next_h: step.next_h, next_c: step.next_c, cache };
}

/** attn = attention(h, A); (h, c) ← lstm_step([x, attn], h, c). */
function attentionLstmStepForward<T extends Shaped>(ops: CaptionOps<T>, p: Params<T>, x: T, h: T, c: T, A: T) {
  const att = ops.dotProductAttentionStepForward(h, A);
  const input = ops.concatColumns(x, att.attn);
  const step = ops.lstmStepForward(input, h, c, p.Wx, p.Wh, p.b);
  const cache: AttentionStepCache = { attention: att.cache, lstm: step.cache, W: x.shape[1] };
  return { next_h: step.next_h, next_c: step.next_c, cache };
}

/** The step's backward: dprev_h sums the LSTM's and the attention's paths. */
function attentionLstmStepBackward<T extends Shaped>(ops: CaptionOps<T>, dnext_h: T, dnext_c: T, zeroWeights: T | undefined, cache: AttentionStepCache) {
  const step = ops.lstmStepBackward(dnext_h, dnext_c, cache.lstm);
  if (!zeroWeights) return { ...step, dA: undefined };
  const [dx, dattn] = ops.splitColumns(step.dx, cache.W);
  const att = ops.dotProductAttentionStepBackward(dattn, zeroWeights, cache.attention);
  ops.release(step.dx, dattn);
  return { dx, dprev_h: sum(ops, step.dprev_h, att.dprev_h), dprev_c: step.dprev_c, dA: att.dA, dWx: step.dWx, dWh: step.dWh, db: step.db };
}

/**
 * The LSTM over the T steps of x (N, T, W) from h0 = c0, with attention over A or (A undefined) the
 * plain step: every h_t as (N, T, H), and its backward.
 */
function lstmLoopForward<T extends Shaped>(ops: CaptionOps<T>, p: Params<T>, x: T, A: T | undefined, h0: T) {
  const [N, T] = x.shape;
  const H = h0.shape[1];
  const hs = ops.zeros([N, T, H]);
  const caches: AttentionStepCache[] = [];
  let [h, c] = [h0, h0];
  for (let t = 0; t < T; t++) {
    const xt = ops.timeSlice(x, t);
    const step = A ? attentionLstmStepForward(ops, p, xt, h, c, A) : plainLstmStepForward(ops, p, xt, h, c);
    ops.setTimeSlice(hs, t, step.next_h);
    caches.push(step.cache);
    [h, c] = [step.next_h, step.next_c];
  }
  return { h: hs, caches };
}

function lstmLoopBackward<T extends Shaped>(ops: CaptionOps<T>, dh: T, caches: AttentionStepCache[], A: T | undefined) {
  const [N, T, H] = dh.shape;
  const W = caches[0].W;
  const dx = ops.zeros([N, T, W]);
  const zeroWeights = A && ops.zeros([N, ...A.shape.slice(2)]);
  let dA = A && ops.zeros(A.shape);
  let [carryH, carryC] = [ops.zeros([N, H]), ops.zeros([N, H])];
  const grads: Params<T> = {};
  for (let t = T - 1; t >= 0; t--) {
    const dht = ops.timeSlice(dh, t);
    const dnext_h = sum(ops, dht, carryH);
    const step = attentionLstmStepBackward(ops, dnext_h, carryC, zeroWeights, caches[t]);
    ops.setTimeSlice(dx, t, step.dx);
    if (dA && step.dA) dA = sum(ops, dA, step.dA);
    for (const k of ['dWx', 'dWh', 'db'] as const) grads[k] = grads[k] ? sum(ops, grads[k], step[k]) : step[k];
    ops.release(dnext_h, carryC, step.dx);
    [carryH, carryC] = [step.dprev_h, step.dprev_c];
  }
  if (zeroWeights) ops.release(zeroWeights);
  return { dx, dA, dh0: carryH, dc0: carryC, grads };
}

export interface CaptioningRnnOptions {
  /** Caption length L (<START> … <END> <NULL>…): sampling fills columns 1 … L − 1. */
  length: number;
}

/** The captioner with `cell` over the ops (reference or twin). */
export function captioningRnn<T extends Shaped>(ops: CaptionOps<T>, cell: CellKind, { length }: CaptioningRnnOptions): Model<T> {
  /** Teacher-forced loss and gradients; the scope frees the caches and intermediates. */
  const loss = (p: Params<T>, X: T, captions: T) =>
    ops.scope(() => {
      const { captionsIn, captionsOut, mask } = ops.splitCaptions(captions);
      const embedded = ops.wordEmbeddingForward(captionsIn, p.W_embed);
      let h: T;
      let backwardToImage: (dh: T) => { dx: T; grads: Params<T> };
      if (cell === 'attention_lstm') {
        const grid = attentionGridForward(ops, p, X);
        const seq = lstmLoopForward(ops, p, embedded.out, grid.A, grid.h0);
        h = seq.h;
        backwardToImage = (dh) => {
          const back = lstmLoopBackward(ops, dh, seq.caches, grid.A);
          const image = attentionGridBackward(ops, back.dA!, back.dh0, back.dc0, grid.cache);
          ops.release(back.dA!, back.dh0, back.dc0);
          return { dx: back.dx, grads: { ...back.grads, ...image } };
        };
      } else if (cell === 'lstm') {
        const proj = cellFeatures(ops, p, X);
        const seq = lstmLoopForward(ops, p, embedded.out, undefined, proj.h0);
        h = seq.h;
        backwardToImage = (dh) => {
          const back = lstmLoopBackward(ops, dh, seq.caches, undefined);
          const dfeatures = sum(ops, back.dh0, back.dc0);
          const encoder = cellEncoderBackward(ops, ops.view(dfeatures, proj.rows), proj.cache);
          ops.release(dfeatures);
          return { dx: back.dx, grads: { ...back.grads, ...encoder } };
        };
      } else {
        const proj = cellFeatures(ops, p, X);
        const seq = ops.rnnForward(embedded.out, proj.h0, p.Wx, p.Wh, p.b);
        h = seq.h;
        backwardToImage = (dh) => {
          const { dx, dh0, dWx, dWh, db } = ops.rnnBackward(dh, seq.cache);
          const encoder = cellEncoderBackward(ops, ops.view(dh0, proj.rows), proj.cache);
          ops.release(dh0);
          return { dx, grads: { dWx, dWh, db, ...encoder } };
        };
      }
      const scores = ops.temporalAffineForward(h, p.W_vocab, p.b_vocab);
      const data = ops.temporalSoftmaxLossForward(scores.out, captionsOut, mask);
      const dloss = ops.upload(scalar(1));
      const dscores = ops.temporalSoftmaxLossBackward(dloss, data.cache).dx;
      const vocab = ops.temporalAffineBackward(dscores, scores.cache);
      const back = backwardToImage(vocab.dx);
      const dW_embed = ops.wordEmbeddingBackward(back.dx, embedded.cache).dW;
      return { loss: data.loss, grads: { ...back.grads, dW_embed, dW_vocab: vocab.dw, db_vocab: vocab.db } };
    });

  /** Greedy captions (N, L): one step per column, the arg-max word fed back; the scope frees the rest. */
  const sample = (p: Params<T>, X: T): T =>
    ops.scope(() => {
      const [N] = X.shape;
      const tokens = ops.upload(startTokens(N, length), 'i32');
      let h: T;
      let c: T | undefined;
      let A: T | undefined;
      if (cell === 'attention_lstm') {
        const grid = attentionGridForward(ops, p, X);
        [h, c, A] = [grid.h0, grid.h0, grid.A];
      } else {
        const proj = cellFeatures(ops, p, X);
        h = proj.h0;
        if (cell === 'lstm') c = h;
      }
      for (let t = 0; t + 1 < length; t++) {
        const embedded = ops.wordEmbeddingForward(tokens, p.W_embed);
        const x = ops.timeSlice(embedded.out, t);
        let step: { next_h: T; next_c?: T; cache: unknown };
        if (cell === 'rnn') step = ops.rnnStepForward(x, h, p.Wx, p.Wh, p.b);
        else if (cell === 'lstm') step = ops.lstmStepForward(x, h, c!, p.Wx, p.Wh, p.b);
        else step = attentionLstmStepForward(ops, p, x, h, c!, A!);
        const scores = ops.affineForward(step.next_h, p.W_vocab, p.b_vocab);
        ops.writeArgmax(ops.view(scores.out, [N, 1, scores.out.shape[1]]), 0, tokens, t + 1);
        [h, c] = [step.next_h, step.next_c ?? c];
      }
      return tokens;
    });

  return { loss, scores: sample };
}

/** The reference captioner (float64 reference ops). */
export const referenceCaptioningRnn = (cell: CellKind, options: CaptioningRnnOptions): Model<Tensor> => captioningRnn(REFERENCE_CAPTION_OPS, cell, options);
