import { chainRule, mapElements, validateActivation } from './activations';
import type { Tensor } from './tensor';
import type { Shaped } from './validate';

export interface SigmoidCache {
  out: Tensor;
}

export function validateSigmoid(x: Shaped): void {
  validateActivation('sigmoid', x);
}

/** σ(v) = 1 / (1 + e^(−v)), computed as e^v / (1 + e^v) for v < 0 so that e^(−v) never overflows */
export function logistic(v: number): number {
  const e = Math.exp(-Math.abs(v));
  return v >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** out = σ(x) = 1 / (1 + e^(−x)) */
export function sigmoidForward(x: Tensor): { out: Tensor; cache: SigmoidCache } {
  validateSigmoid(x);
  const out = mapElements(x, logistic);
  return { out, cache: { out } };
}

/** dx = dout·out·(1 − out) */
export function sigmoidBackward(dout: Tensor, cache: SigmoidCache): { dx: Tensor } {
  return { dx: chainRule('sigmoid', dout, cache.out, (s) => s * (1 - s)) };
}
