import { chainRule, mapElements, validateActivation } from './activations';
import type { Tensor } from './tensor';
import type { Shaped } from './validate';

/** The SELU constants (Klambauer et al. 2017, as PyTorch). */
export const SELU_LAMBDA = 1.0507009873554805;
export const SELU_ALPHA = 1.6732632423543772;

export interface SeluCache {
  x: Tensor;
}

export function validateSelu(x: Shaped): void {
  validateActivation('selu', x);
}

/** out = λ·x for x > 0, λ·α·(eˣ − 1) for x ≤ 0, with λ = 1.0507009873554805, α = 1.6732632423543772 */
export function seluForward(x: Tensor): { out: Tensor; cache: SeluCache } {
  validateSelu(x);
  return { out: mapElements(x, (v) => SELU_LAMBDA * (v > 0 ? v : SELU_ALPHA * Math.expm1(v))), cache: { x } };
}

/** dx = λ·dout for x > 0, λ·α·eˣ·dout for x ≤ 0 */
export function seluBackward(dout: Tensor, cache: SeluCache): { dx: Tensor } {
  return { dx: chainRule('selu', dout, cache.x, (v) => SELU_LAMBDA * (v > 0 ? 1 : SELU_ALPHA * Math.exp(v))) };
}
