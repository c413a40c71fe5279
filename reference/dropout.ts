import { flag } from './choices';
import { hyper } from './hyperparams';
import { uniformAt } from './init';
import { numel, tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireShape, type Shaped } from './validate';

export interface DropoutParams {
  /** Drop probability, default 0.5 (PyTorch's). */
  p?: number;
  /** Train mode (default true); test mode is the identity. */
  train?: boolean;
  /** u32 seed of the mask, default 0. */
  seed?: number;
}

export interface DropoutCache {
  /** 0 for a dropped unit, 1/(1 − p) for a kept one; null in test mode. */
  mask: Tensor | null;
  /** The shape of x, which dout must have in either mode. */
  shape: readonly number[];
}

export interface DropoutSettings {
  p: number;
  train: boolean;
  seed: number;
}

/** x non-empty and finite; p in [0, 1]; train a boolean; seed an integer in [0, 2³² − 1]. */
export function validateDropout(x: Shaped, params: DropoutParams = {}): DropoutSettings {
  requirePositiveSizes('dropout', 'x', x);
  requireFinite('dropout', 'x', x);
  return {
    p: hyper('dropout', params, 'p', 0.5, { min: 0, max: 1 }),
    train: flag('dropout', params, 'train', true),
    seed: hyper('dropout', params, 'seed', 0, { min: 0, max: 2 ** 32 - 1, integer: true }),
  };
}

/**
 * Element i is dropped when its uniform draw falls below p. The draw is counter-based, so the twin
 * repeats it exactly in u32 arithmetic (reference/init.ts, accelerated/runtime/random.ts); see dropoutForward.
 */
export const isDropped = (seed: number, i: number, p: number): boolean => uniformAt(seed, i) < p;

/**
 * Inverted dropout with drop probability p:
 *   train: mask[i] = 0 if dropped, else 1/(1 − p);  out = x·mask   (p = 1 drops everything: out = 0)
 *   test:  out = x
 * Element i (row-major) is dropped when uniform(seed, i) < p, a counter-based draw in u32 arithmetic
 * (mod 2³²; Math.imul and >>> 0 in JavaScript), so that every implementation draws the same mask:
 *   pcg(v) = (w ≫ 22) ⊕ w,  w = ((s ≫ ((s ≫ 28) + 4)) ⊕ s)·277803737,  s = v·747796405 + 2891336453
 *   uniform(seed, i) = (pcg(i ⊕ pcg(seed)) ≫ 8)·2⁻²⁴ ∈ [0, 1)   (PCG hash, Jarzynski & Olano 2020)
 * As the draw is a multiple of 2⁻²⁴, "uniform < p" is the integer test (bits ≫ 8) < ⌈p·2²⁴⌉.
 */
export function dropoutForward(x: Tensor, params: DropoutParams = {}): { out: Tensor; cache: DropoutCache } {
  const { p, train, seed } = validateDropout(x, params);
  if (!train) return { out: tensor(x.shape, x.data), cache: { mask: null, shape: x.shape } };
  const mask = tensor(x.shape);
  const out = tensor(x.shape);
  for (let i = 0; i < numel(x.shape); i++) {
    mask.data[i] = isDropped(seed, i, p) ? 0 : 1 / (1 - p);
    out.data[i] = x.data[i] * mask.data[i];
  }
  return { out, cache: { mask, shape: x.shape } };
}

/** train: dx = dout·mask (the forward's mask);  test: dx = dout */
export function dropoutBackward(dout: Tensor, cache: DropoutCache): { dx: Tensor } {
  const { mask, shape } = cache;
  requireShape('dropout_backward', 'dout', dout, shape, 'the shape of x');
  if (!mask) return { dx: tensor(dout.shape, dout.data) };
  const dx = tensor(shape);
  for (let i = 0; i < mask.data.length; i++) dx.data[i] = dout.data[i] * mask.data[i];
  return { dx };
}
