import { lossGradient } from './classification';
import { hyper } from './hyperparams';
import { scalar, tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, type Shaped } from './validate';

export interface L2RegularizationParams {
  reg?: number;
}

export interface L2RegularizationCache {
  w: Tensor;
  reg: number;
}

/** w of any shape, non-empty and finite; reg (no default) a number ≥ 0. */
export function validateL2Regularization(w: Shaped, params: L2RegularizationParams = {}): { reg: number } {
  requirePositiveSizes('l2_regularization', 'w', w);
  requireFinite('l2_regularization', 'w', w);
  return { reg: hyper('l2_regularization', params, 'reg', undefined, { min: 0 }) };
}

/** loss = reg·Σᵢ wᵢ² */
export function l2RegularizationForward(w: Tensor, params: L2RegularizationParams = {}): { loss: Tensor; cache: L2RegularizationCache } {
  const { reg } = validateL2Regularization(w, params);
  let sum = 0;
  for (let i = 0; i < w.data.length; i++) sum += w.data[i] * w.data[i];
  return { loss: scalar(reg * sum), cache: { w, reg } };
}

/** dw = 2·reg·w·dloss */
export function l2RegularizationBackward(dloss: Tensor, cache: L2RegularizationCache): { dw: Tensor } {
  const { w, reg } = cache;
  const g = lossGradient('l2_regularization', dloss);
  const dw = tensor(w.shape);
  for (let i = 0; i < w.data.length; i++) dw.data[i] = 2 * reg * w.data[i] * g;
  return { dw };
}
