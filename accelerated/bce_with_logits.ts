import { validateBceWithLogits } from '../reference/bce_with_logits';
import { numel } from '../reference/tensor';
import type { GpuTensor } from './runtime/buffers';
import { LOGISTIC_WGSL, lossGradient, sumOfTerms } from './runtime/scalar_loss';

/**
 * Twin of reference/bce_with_logits: per-element terms max(x, 0) − x·y + log1p(e^(−|x|)) (one
 * invocation each, log1p-accurate in float32), summed by the tree reduction with scale 1/n;
 * backward one invocation per element, dx = (σ(x) − y)·dloss / n.
 */
export interface BceWithLogitsCache {
  x: GpuTensor;
  y: GpuTensor;
}

export function bceWithLogitsForward(x: GpuTensor, y: GpuTensor): { loss: GpuTensor; cache: BceWithLogitsCache } {
  const n = validateBceWithLogits(x, y);
  const loss = sumOfTerms(
    {
      name: 'bce_with_logits',
      inputs: { x, y },
      count: n,
      functions: LOGISTIC_WGSL,
      // max(x, 0) − x·y first: it cancels exactly when right and confident, so the tail survives
      body: 'terms[i] = (max(x[i], 0.0) - x[i] * y[i]) + log1p_small(exp(-abs(x[i])));',
    },
    1 / n,
  );
  return { loss, cache: { x, y } };
}

export function bceWithLogitsBackward(dloss: GpuTensor, cache: BceWithLogitsCache): { dx: GpuTensor } {
  const { x, y } = cache;
  const { dx } = lossGradient({
    name: 'bce_with_logits',
    inputs: { x, y },
    dloss,
    grads: ['dx'],
    shape: x.shape,
    functions: LOGISTIC_WGSL,
    uniforms: { inv_n: ['f32', 1 / numel(x.shape)] },
    body: 'dx[i] = (sigmoid(x[i]) - y[i]) * inv_n * g;',
  });
  return { dx };
}
