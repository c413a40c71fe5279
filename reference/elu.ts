import { chainRule, mapElements, validateActivation } from './activations';
import { hyper } from './hyperparams';
import type { Tensor } from './tensor';
import type { Shaped } from './validate';

export interface EluParams {
  alpha?: number;
}

export interface EluCache {
  x: Tensor;
  alpha: number;
}

/** x non-empty and finite; alpha (default 1) a finite number. */
export function validateElu(x: Shaped, params: EluParams = {}): { alpha: number } {
  validateActivation('elu', x);
  return { alpha: hyper('elu', params, 'alpha', 1) };
}

/** out = x for x > 0, alpha·(eˣ − 1) for x ≤ 0 */
export function eluForward(x: Tensor, params: EluParams = {}): { out: Tensor; cache: EluCache } {
  const { alpha } = validateElu(x, params);
  return { out: mapElements(x, (v) => (v > 0 ? v : alpha * Math.expm1(v))), cache: { x, alpha } };
}

/** dx = dout for x > 0, alpha·eˣ·dout for x ≤ 0 */
export function eluBackward(dout: Tensor, cache: EluCache): { dx: Tensor } {
  const { x, alpha } = cache;
  return { dx: chainRule('elu', dout, x, (v) => (v > 0 ? 1 : alpha * Math.exp(v))) };
}
