import { requireValues } from './validate';
import { lossGradient } from './classification';
import { requireSameShapes, sigmoid } from './generative';
import { numel, scalar, tensor, type Tensor } from './tensor';
import type { Shaped } from './validate';

export interface BceWithLogitsCache {
  x: Tensor;
  y: Tensor;
}

/** x and y of one shape, non-empty and finite; targets y in [0, 1]. Returns the element count. */
export function validateBceWithLogits(x: Shaped, y: Shaped): number {
  const shape = requireSameShapes('bce_with_logits', [
    ['x', x],
    ['y', y],
  ]);
  requireValues('bce_with_logits', 'y', y, { min: 0, max: 1 }, 'values in [0, 1]');
  return numel(shape);
}

/**
 * loss = (1/n) Σᵢ max(xᵢ, 0) − xᵢ·yᵢ + log(1 + e^(−|xᵢ|)), n = number of elements: the stable
 * form of −y·log σ(x) − (1 − y)·log(1 − σ(x)), finite for |x| = 1000 (log1p keeps e^(−|x|) exact).
 */
export function bceWithLogitsForward(x: Tensor, y: Tensor): { loss: Tensor; cache: BceWithLogitsCache } {
  const n = validateBceWithLogits(x, y);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = x.data[i];
    sum += Math.max(v, 0) - v * y.data[i] + Math.log1p(Math.exp(-Math.abs(v)));
  }
  return { loss: scalar(sum / n), cache: { x, y } };
}

/** dx = (σ(x) − y) / n · dloss; the targets y get no gradient. */
export function bceWithLogitsBackward(dloss: Tensor, cache: BceWithLogitsCache): { dx: Tensor } {
  const { x, y } = cache;
  const g = lossGradient('bce_with_logits', dloss);
  const n = x.data.length;
  const dx = tensor(x.shape);
  for (let i = 0; i < n; i++) dx.data[i] = ((sigmoid(x.data[i]) - y.data[i]) / n) * g;
  return { dx };
}
