import { type ContentLossParams, validateContentLoss } from '../reference/content_loss';
import { numel } from '../reference/tensor';
import type { GpuTensor } from './runtime/buffers';
import { lossGradient, sumOfTerms } from './runtime/scalar_loss';

/**
 * Twin of reference/content_loss: one invocation per element writes (current − original)², the
 * tree reduction sums with scale w; backward one invocation per element.
 */
export interface ContentLossCache {
  current: GpuTensor;
  original: GpuTensor;
  weight: number;
}

export function contentLossForward(current: GpuTensor, original: GpuTensor, params: ContentLossParams = {}): { loss: GpuTensor; cache: ContentLossCache } {
  const { weight } = validateContentLoss(current, original, params);
  const loss = sumOfTerms(
    {
      name: 'content_loss',
      inputs: { current, original },
      count: numel(current.shape),
      body: 'let diff = current[i] - original[i];\n  terms[i] = diff * diff;',
    },
    weight,
  );
  return { loss, cache: { current, original, weight } };
}

export function contentLossBackward(dloss: GpuTensor, cache: ContentLossCache): { dcurrent: GpuTensor } {
  const { current, original, weight } = cache;
  const { dcurrent } = lossGradient({
    name: 'content_loss',
    inputs: { current, original },
    dloss,
    grads: ['dcurrent'],
    shape: current.shape,
    uniforms: { weight: ['f32', weight] },
    body: 'dcurrent[i] = 2.0 * weight * (current[i] - original[i]) * g;',
  });
  return { dcurrent };
}
