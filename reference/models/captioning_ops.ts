import { setTimeSlice, timeSlice } from '../recurrent';
import { randnTensor, type Rng } from '../rng';
import { numel, tensor, type Tensor } from '../tensor';
import type { Shaped } from '../validate';
import type { Backend } from './backend';
import { END, NULL } from './digit_strips';
import { REFERENCE_MODEL_OPS, type ModelOpTable } from './ops';
import { referenceBackend } from './reference_backend';

/**
 * What the captioning models are composed of, on tensors of type T: the model op table of ops.ts
 * (reference ops, or their twins) plus a few data movements of their own (time slices, column
 * concatenation, caption shifting, greedy word choice) and the bookkeeping of device memory (no-ops
 * here). The models (captioning_rnn.ts, captioning_transformer.ts) are written once
 * over these ops, so the reference and the twin run the same composition; caches are opaque.
 * Integer tensors (captions, masks, positions) are 'i32' on the device.
 */
export interface CaptionOps<T extends Shaped> extends ModelOpTable<T> {
  /** A host tensor on this backend. */
  upload(t: Tensor, dtype?: 'f32' | 'i32'): T;
  /** Zeros of this shape. */
  zeros(shape: readonly number[]): T;
  /** seq[:, t, :] of (N, T, F) as (N, F). */
  timeSlice(seq: T, t: number): T;
  /** seq[:, t, :] = value, in place. */
  setTimeSlice(seq: T, t: number, value: T): void;
  /** [a, b] along the last axis: (N, A), (N, B) → (N, A + B). */
  concatColumns(a: T, b: T): T;
  /** The inverse: (N, A + B) → (N, A), (N, B). */
  splitColumns(x: T, A: number): [T, T];
  /** x (N, L, E) + pos (L, E) broadcast over N. Its backward: dx = dout, dpos = Σ_n dout (sumOverBatch). */
  addPositions(x: T, pos: T): T;
  /** Σ_n x[n, …] of (N, …) → (…). */
  sumOverBatch(x: T): T;
  /** (N, A, B) → (N, B, A); its own backward. */
  swapLastAxes(x: T): T;
  /** captions (N, L) → captions_in = [:, :L−1], captions_out = [:, 1:], mask = captions_out ≠ <NULL>, all (N, L−1). */
  splitCaptions(captions: T): { captionsIn: T; captionsOut: T; mask: T };
  /** tokens[n, col] = argmax_v scores[n, s, v] (first maximum), in place; scores (N, S, V), tokens (N, L). */
  writeArgmax(scores: T, s: number, tokens: T, col: number): void;
}

/** a + b, freeing a and b (gradients summed over time steps, layers or paths). */
export function sum<T extends Shaped>(ops: CaptionOps<T>, a: T, b: T): T {
  const s = ops.add(a, b);
  ops.release(a, b);
  return s;
}

/**
 * The image features of every captioner: one small MLP shared by the cells (a digit encoder),
 *   F[n, p] = relu(X[n, p]·W_cell + b_cell)·W_proj + b_proj,
 * on X (N, P, Dc) viewed as (N·P, Dc) → (N·P, F).
 */
export function cellEncoderForward<T extends Shaped>(ops: CaptionOps<T>, p: Record<string, T>, X: T) {
  const [N, P, Dc] = X.shape;
  const hidden = ops.affineForward(ops.view(X, [N * P, Dc]), p.W_cell, p.b_cell);
  const activated = ops.reluForward(hidden.out);
  const proj = ops.affineForward(activated.out, p.W_proj, p.b_proj);
  return { out: proj.out, cache: { caches: [hidden.cache, activated.cache, proj.cache] } };
}

export type CellEncoderCache = ReturnType<typeof cellEncoderForward>['cache'];

/** dout (N·P, F) → the encoder's weight gradients. */
export function cellEncoderBackward<T extends Shaped>(ops: CaptionOps<T>, dout: T, { caches: [hidden, activated, proj] }: CellEncoderCache) {
  const second = ops.affineBackward(dout, proj);
  const dhidden = ops.reluBackward(second.dx, activated).dx;
  const first = ops.affineBackward(dhidden, hidden);
  ops.release(second.dx, dhidden, first.dx);
  return { dW_cell: first.dw, db_cell: first.db, dW_proj: second.dw, db_proj: second.db };
}

/** The encoder's weights: W_cell (Dc, C) ~ N(0, 2/Dc) (Kaiming, relu), W_proj (C, F) ~ N(0, 1/C), biases 0. */
export function initCellEncoder(Dc: number, C: number, F: number, rng: Rng): Record<string, Tensor> {
  return { W_cell: randnTensor([Dc, C], rng, Math.sqrt(2 / Dc)), b_cell: tensor([C]), W_proj: randnTensor([C, F], rng, 1 / Math.sqrt(C)), b_proj: tensor([F]) };
}

/** (N, A, B) → (N, B, A) */
function swapLastAxes(x: Tensor): Tensor {
  const [N, A, B] = x.shape;
  const out = tensor([N, B, A]);
  for (let n = 0; n < N; n++) for (let a = 0; a < A; a++) for (let b = 0; b < B; b++) out.data[(n * B + b) * A + a] = x.data[(n * A + a) * B + b];
  return out;
}

function concatColumns(a: Tensor, b: Tensor): Tensor {
  const [N, A] = a.shape;
  const B = b.shape[1];
  const out = tensor([N, A + B]);
  for (let n = 0; n < N; n++) {
    out.data.set(a.data.subarray(n * A, (n + 1) * A), n * (A + B));
    out.data.set(b.data.subarray(n * B, (n + 1) * B), n * (A + B) + A);
  }
  return out;
}

function splitColumns(x: Tensor, A: number): [Tensor, Tensor] {
  const [N, C] = x.shape;
  const B = C - A;
  const a = tensor([N, A]);
  const b = tensor([N, B]);
  for (let n = 0; n < N; n++) {
    a.data.set(x.data.subarray(n * C, n * C + A), n * A);
    b.data.set(x.data.subarray(n * C + A, (n + 1) * C), n * B);
  }
  return [a, b];
}

function addPositions(x: Tensor, pos: Tensor): Tensor {
  const size = pos.data.length;
  return tensor(
    x.shape,
    x.data.map((v, i) => v + pos.data[i % size]),
  );
}

function sumOverBatch(x: Tensor): Tensor {
  const shape = x.shape.slice(1);
  const out = tensor(shape);
  const size = numel(shape);
  x.data.forEach((v, i) => {
    out.data[i % size] += v;
  });
  return out;
}

function splitCaptions(captions: Tensor): { captionsIn: Tensor; captionsOut: Tensor; mask: Tensor } {
  const [N, L] = captions.shape;
  const T = L - 1;
  const [captionsIn, captionsOut, mask] = [tensor([N, T]), tensor([N, T]), tensor([N, T])];
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      captionsIn.data[n * T + t] = captions.data[n * L + t];
      captionsOut.data[n * T + t] = captions.data[n * L + t + 1];
      mask.data[n * T + t] = captions.data[n * L + t + 1] === NULL ? 0 : 1;
    }
  }
  return { captionsIn, captionsOut, mask };
}

function writeArgmax(scores: Tensor, s: number, tokens: Tensor, col: number): void {
  const [N, S, V] = scores.shape;
  const L = tokens.shape[1];
  for (let n = 0; n < N; n++) {
    const row = (n * S + s) * V;
    let best = 0;
    for (let v = 1; v < V; v++) if (scores.data[row + v] > scores.data[row + best]) best = v;
    tokens.data[n * L + col] = best;
  }
}

export const REFERENCE_CAPTION_OPS: CaptionOps<Tensor> = {
  ...REFERENCE_MODEL_OPS,
  upload: (t) => t,
  zeros: (shape) => tensor(shape),
  timeSlice,
  setTimeSlice,
  concatColumns,
  splitColumns,
  addPositions,
  sumOverBatch,
  swapLastAxes,
  splitCaptions,
  writeArgmax,
};

/**
 * Exact match of greedy captions: row n matches when tokens[n, t] = captions[n, t] for every t ≥ 1
 * up to and including the caption's <END> (what follows <END> is not compared).
 */
export function exactMatches(tokens: Tensor, captions: Tensor): boolean[] {
  const [N, L] = captions.shape;
  return Array.from({ length: N }, (_, n) => {
    for (let t = 1; t < L; t++) {
      if (tokens.data[n * L + t] !== captions.data[n * L + t]) return false;
      if (captions.data[n * L + t] === END) return true;
    }
    return true;
  });
}

/**
 * The Solver's backend for captioning, over a base backend: minibatches take whole caption rows
 * (N, L) as the labels, and "accuracy" is the exact-match rate of the model's `scores`, which for a
 * captioner are its greedy captions (N, L) (the Solver's per-epoch accuracies and its best-val
 * weights then track caption exact match).
 */
export function captionBackend<T>(base: Backend<T>, exactMatch: (tokens: T, captions: T) => Promise<number>): Backend<T> {
  return {
    ...base,
    gatherRows: (X, y, rows) => ({ X: base.takeRows(X, rows), y: base.takeRows(y, rows) }),
    accuracy: exactMatch,
  };
}

export const REFERENCE_CAPTION_BACKEND = captionBackend(referenceBackend, async (tokens, captions) => {
  const hits = exactMatches(tokens, captions);
  return hits.filter(Boolean).length / hits.length;
});
