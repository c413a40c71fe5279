import { validateBceWithLogits } from '../reference/bce_with_logits';
import type { GpuTensor } from './runtime/buffers';
import { elementwiseLoss, LOGISTIC_WGSL } from './runtime/scalar_loss';

/**
 * Twin of reference/bce_with_logits: per-element terms max(x, 0) − x·y + log1p(e^(−|x|)) (one
 * invocation each, log1p-accurate in float32), summed by the tree reduction with scale 1/n;
 * backward one invocation per element, dx = (σ(x) − y)·dloss / n.
 */
export const { forward: bceWithLogitsForward, backward: bceWithLogitsBackward } = elementwiseLoss({
  name: 'bce_with_logits',
  setup: (x: GpuTensor, y: GpuTensor) => ({ inputs: { x, y }, scale: 1 / validateBceWithLogits(x, y) }),
  functions: LOGISTIC_WGSL,
  // max(x, 0) − x·y first: it cancels exactly when right and confident, so the tail survives
  term: '(max(x[i], 0.0) - x[i] * y[i]) + log1p_small(exp(-abs(x[i])))',
  grads: { dx: '(sigmoid(x[i]) - y[i]) * scale * g' },
});
