import fc from 'fast-check';
import { randnTensor, type Rng } from '../reference/rng';
import { tensor, type Tensor, type Tensors } from '../reference/tensor';
import { attentionInputs, normInputs } from '../reference/transformer_layer';
import { dim, samples } from './harness/arbitraries';
import { maskKind, type MaskKind } from './attention';
import type { InputSpec } from './harness/op';
import type { Tolerance } from './harness/tolerance';

/**
 * Shared pieces of the transformer layer rows (spec/transformer_encoder_layer.ts,
 * spec/transformer_decoder_layer.ts): the input specs and random weights.
 */

/** The inputs of a row: float streams and weights, then the optional 0/1 mask. bk shifts every score of a
 * query row by the same amount, which the softmax cancels: its gradient is identically 0 and is left out
 * of the centered-difference check (as in spec/multi_head_attention.ts), still compared everywhere else. */
export const layerInputSpecs = (names: readonly string[]): InputSpec[] => [
  ...names.slice(0, -1).map((name) => ({ name, kind: 'float' as const, differentiable: !name.endsWith('_bk') })),
  { name: names[names.length - 1], kind: 'int', differentiable: false },
];

/**
 * Spread of the residual stream (γ ≈ STREAM too): layer norm is scale-invariant, so a wider stream
 * makes its curvature, and the O(h²) error of the centered differences, smaller against the gradient;
 * the query and key projections shrink by the same factor so the scores stay of order 1.
 */
const STREAM = 3;

/**
 * Weights for embedding E, hidden F and the given attention blocks: projections scaled by 1/√fan-in,
 * Wq and Wk by a further 1/STREAM (scores of order 1 on a stream of spread STREAM), the sublayers'
 * output projections (Wo, W2) by a half, so the residual stream keeps its spread; γ around STREAM
 * (post-norm streams keep it too), β around 0.
 */
export function layerWeightTensors(E: number, F: number, prefixes: readonly string[], rng: Rng): Tensors {
  const weights: Tensors = {};
  for (const name of prefixes.flatMap(attentionInputs)) {
    const scale = (/_W[qk]$/.test(name) ? 1 / STREAM : /_Wo$/.test(name) ? 0.5 : 1) / Math.sqrt(E);
    weights[name] = name.includes('_W') ? randnTensor([E, E], rng, scale) : randnTensor([E], rng, 0.5);
  }
  Object.assign(weights, {
    W1: randnTensor([E, F], rng, 1 / Math.sqrt(E)),
    b1: randnTensor([F], rng, 0.5),
    W2: randnTensor([F, E], rng, 0.5 / Math.sqrt(F)),
    b2: randnTensor([E], rng, 0.5),
  });
  for (let k = 1; k <= prefixes.length + 1; k++) {
    const [gamma, beta] = normInputs(k);
    weights[gamma] = tensor(
      [E],
      randnTensor([E], rng, 0.3).data.map((v) => STREAM + v),
    );
    weights[beta] = randnTensor([E], rng, 0.3);
  }
  return weights;
}

/**
 * The residual stream (N, L, E): a ramp from −STREAM to STREAM across the features plus noise of
 * STREAM/3, so every position's features have a spread well above 0. Layer norm divides by that
 * spread: a position whose features nearly agree has third derivatives of order 1/σ³, and the
 * centered differences (h = 1e-5) would then miss the analytic gradient by more than the check's 1e-7.
 */
export function streamTensor(shape: readonly [number, number, number], rng: Rng): Tensor {
  const E = shape[2];
  const noise = randnTensor(shape, rng, STREAM / 3);
  return tensor(
    shape,
    noise.data.map((v, i) => v + (E > 1 ? STREAM * ((2 * (i % E)) / (E - 1) - 1) : 0)),
  );
}

export interface LayerDraw {
  N: number;
  L: number;
  /** Length of the memory (decoder only). */
  S: number;
  heads: number;
  dh: number;
  F: number;
  mask: MaskKind;
  norm_first: boolean;
}

/** Sizes and params: batch 1 included, L ≠ S, one or more heads of size dh ≥ 3 (layer norm over E = 2 has x̂ = ±1 whatever x: no gradient to check), both norm orders. */
export const layerSamples = (max: { N: number; L: number; heads: number; dh: number; F: number }, build: (d: LayerDraw, rng: Rng) => Tensors) =>
  samples(
    fc.record({
      N: dim(1, max.N),
      L: dim(1, max.L),
      S: dim(1, max.L),
      heads: dim(1, max.heads),
      dh: dim(3, max.dh),
      F: dim(1, max.F),
      mask: maskKind,
      norm_first: fc.boolean(),
    }),
    (d, rng) => ({
      inputs: build(d, rng),
      params: { num_heads: d.heads, dim_feedforward: d.F, norm_first: d.norm_first },
    }),
  );

/**
 * Twin tolerance: float32 rounding passes through up to three residual blocks whose layer norms
 * multiply it by γ/σ, with σ the spread of only E (as few as 3) features; measured worst cases reach
 * ~1e-4 absolute on gradients of order 1e-2.
 */
export const LAYER_TOLERANCE: Tolerance = { atol: 2e-4, rtol: 2e-3 };

export const seq = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

/** Deterministic weights of the given names for the hand-written edge and error cases (γ around 1). */
export const fixedWeights = (names: readonly string[], E: number, F: number): Tensors =>
  Object.fromEntries(
    names.map((name, k) => {
      const shapes: Record<string, number[]> = { W1: [E, F], b1: [F], W2: [F, E] };
      const shape = shapes[name] ?? (name.includes('_W') ? [E, E] : [E]);
      const n = shape.reduce((a, b) => a * b, 1);
      return [
        name,
        tensor(
          shape,
          seq(n, (i) => (name.includes('gamma') ? 1 : 0) + Math.sin(i + k) / 2),
        ),
      ];
    }),
  );
