import { chainRule, mapElements, validateActivation } from './activations';
import { choice } from './choices';
import { erfc } from './erf';
import { logistic } from './sigmoid';
import type { Tensor } from './tensor';
import type { Shaped } from './validate';

export type GeluApproximation = 'none' | 'tanh';

export interface GeluParams {
  approximate?: 'none' | 'tanh';
}

export interface GeluCache {
  x: Tensor;
  approximate: 'none' | 'tanh';
}

/** x non-empty and finite; approximate "none" (default) or "tanh". */
export function validateGelu(x: Shaped, params: GeluParams = {}): { approximate: GeluApproximation } {
  validateActivation('gelu', x);
  return { approximate: choice<GeluApproximation>('gelu', params, 'approximate', ['none', 'tanh'], 'none') };
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const CUBIC = 0.044715;

/** Φ(x) = ½·erfc(−x/√2), the standard normal CDF (erfc keeps it accurate in the left tail) */
const normalCdf = (v: number): number => 0.5 * erfc(-v / Math.SQRT2);
/** φ(x) = e^(−x²/2) / √(2π), the standard normal density */
const normalPdf = (v: number): number => Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);

/** u = √(2/π)·(x + 0.044715·x³), the argument of the tanh form */
const tanhArgument = (v: number): number => SQRT_2_OVER_PI * (v + CUBIC * v * v * v);

/**
 * approximate "none":  out = x·Φ(x)
 * approximate "tanh":  out = ½·x·(1 + tanh(u)),  u = √(2/π)·(x + 0.044715·x³)   (PyTorch's form),
 *                      evaluated as x·σ(2u) (½·(1 + tanh u) = σ(2u)), which keeps its precision in the
 *                      left tail where 1 + tanh(u) cancels
 */
export function geluForward(x: Tensor, params: GeluParams = {}): { out: Tensor; cache: GeluCache } {
  const { approximate } = validateGelu(x, params);
  const f = approximate === 'none' ? (v: number) => v * normalCdf(v) : (v: number) => v * logistic(2 * tanhArgument(v));
  return { out: mapElements(x, f), cache: { x, approximate } };
}

/**
 * "none":  dx = dout·(Φ(x) + x·φ(x))
 * "tanh":  dx = dout·(½·(1 + t) + ½·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)),  t = tanh(u),
 *          evaluated with s = σ(2u) = ½·(1 + t), so ½·(1 − t²) = 2·s·(1 − s):
 *          dx = dout·(s + 2·x·s·(1 − s)·√(2/π)·(1 + 3·0.044715·x²))
 */
export function geluBackward(dout: Tensor, cache: GeluCache): { dx: Tensor } {
  const { x, approximate } = cache;
  const slope =
    approximate === 'none'
      ? (v: number) => normalCdf(v) + v * normalPdf(v)
      : (v: number) => {
          const s = logistic(2 * tanhArgument(v));
          return s + 2 * v * s * (1 - s) * SQRT_2_OVER_PI * (1 + 3 * CUBIC * v * v);
        };
  return { dx: chainRule('gelu', dout, x, slope) };
}
