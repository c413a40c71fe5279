import { type ContentLossParams, validateContentLoss } from '../reference/content_loss';
import type { GpuTensor } from './runtime/buffers';
import { elementwiseLoss } from './runtime/scalar_loss';

/**
 * Twin of reference/content_loss: one invocation per element writes (current − original)², the
 * tree reduction sums with scale w; backward one invocation per element.
 */
export const { forward: contentLossForward, backward: contentLossBackward } = elementwiseLoss({
  name: 'content_loss',
  setup: (current: GpuTensor, original: GpuTensor, params: ContentLossParams = {}) => ({
    inputs: { current, original },
    scale: validateContentLoss(current, original, params).weight,
  }),
  term: '(current[i] - original[i]) * (current[i] - original[i])',
  grads: { dcurrent: '2.0 * scale * (current[i] - original[i]) * g' },
});
