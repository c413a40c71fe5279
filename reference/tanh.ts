import { chainRule, mapElements, validateActivation } from './activations';
import type { Tensor } from './tensor';
import type { Shaped } from './validate';

export interface TanhCache {
  out: Tensor;
}

export function validateTanh(x: Shaped): void {
  validateActivation('tanh', x);
}

/** out = tanh(x) = (eˣ − e^(−x)) / (eˣ + e^(−x)) */
export function tanhForward(x: Tensor): { out: Tensor; cache: TanhCache } {
  validateTanh(x);
  const out = mapElements(x, Math.tanh);
  return { out, cache: { out } };
}

/** dx = dout·(1 − out²) */
export function tanhBackward(dout: Tensor, cache: TanhCache): { dx: Tensor } {
  return { dx: chainRule('tanh', dout, cache.out, (t) => 1 - t * t) };
}
