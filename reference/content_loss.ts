import { lossGradient } from './classification';
import { requireSameShapes } from './generative';
import { hyper } from './hyperparams';
import { scalar, tensor, type Tensor } from './tensor';
import { requireShape, type Shaped } from './validate';

export interface ContentLossParams {
  content_weight?: number;
}

export interface ContentLossCache {
  current: Tensor;
  original: Tensor;
  weight: number;
}

/** current and original (1, C, H, W), finite; content_weight (no default) a number ≥ 0. */
export function validateContentLoss(current: Shaped, original: Shaped, params: ContentLossParams = {}): { weight: number } {
  requireShape('content_loss', 'current', current, [1, 'C', 'H', 'W']);
  requireSameShapes('content_loss', [
    ['current', current],
    ['original', original],
  ]);
  return { weight: hyper('content_loss', params, 'content_weight', undefined, { min: 0 }) };
}

/** loss = w·Σ (current − original)² */
export function contentLossForward(current: Tensor, original: Tensor, params: ContentLossParams = {}): { loss: Tensor; cache: ContentLossCache } {
  const { weight } = validateContentLoss(current, original, params);
  let sum = 0;
  for (let i = 0; i < current.data.length; i++) sum += (current.data[i] - original.data[i]) ** 2;
  return { loss: scalar(weight * sum), cache: { current, original, weight } };
}

/** dcurrent = 2·w·(current − original)·dloss; the original image's features are a fixed target. */
export function contentLossBackward(dloss: Tensor, cache: ContentLossCache): { dcurrent: Tensor } {
  const { current, original, weight } = cache;
  const g = lossGradient('content_loss', dloss);
  const dcurrent = tensor(current.shape);
  for (let i = 0; i < current.data.length; i++) dcurrent.data[i] = 2 * weight * (current.data[i] - original.data[i]) * g;
  return { dcurrent };
}
