import { chainRule, mapElements, validateActivation } from './activations';
import { hyper } from './hyperparams';
import type { Tensor } from './tensor';
import type { Shaped } from './validate';

export interface LeakyReluParams {
  alpha?: number;
}

export interface LeakyReluCache {
  x: Tensor;
  alpha: number;
}

/** x non-empty and finite; alpha (default 0.01) a finite number. */
export function validateLeakyRelu(x: Shaped, params: LeakyReluParams = {}): { alpha: number } {
  validateActivation('leaky_relu', x);
  return { alpha: hyper('leaky_relu', params, 'alpha', 0.01) };
}

/** out = x for x > 0, alpha·x otherwise */
export function leakyReluForward(x: Tensor, params: LeakyReluParams = {}): { out: Tensor; cache: LeakyReluCache } {
  const { alpha } = validateLeakyRelu(x, params);
  return { out: mapElements(x, (v) => (v > 0 ? v : alpha * v)), cache: { x, alpha } };
}

/** dx = dout for x > 0, alpha·dout otherwise (the slope at 0 is taken as alpha) */
export function leakyReluBackward(dout: Tensor, cache: LeakyReluCache): { dx: Tensor } {
  const { x, alpha } = cache;
  return { dx: chainRule('leaky_relu', dout, x, (v) => (v > 0 ? 1 : alpha)) };
}
