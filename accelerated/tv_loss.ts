import { numel } from '../reference/tensor';
import { type TvLossParams, validateTvLoss } from '../reference/tv_loss';
import type { GpuTensor } from './runtime/buffers';
import { lossGradient, sumOfTerms } from './runtime/scalar_loss';

/**
 * Twin of reference/tv_loss. Forward: one invocation per pixel writes the squared differences to
 * its lower and right neighbours (where they exist), the tree reduction sums with scale w.
 * Backward: one invocation per pixel reads its up to four neighbours.
 */
export interface TvLossCache {
  img: GpuTensor;
  weight: number;
}

const position = `let w = i % W;
  let h = (i / W) % H;`;

export function tvLossForward(img: GpuTensor, params: TvLossParams = {}): { loss: GpuTensor; cache: TvLossCache } {
  const { weight } = validateTvLoss(img, params);
  const [, , H, W] = img.shape;
  const loss = sumOfTerms(
    {
      name: 'tv_loss',
      inputs: { img },
      count: numel(img.shape),
      uniforms: { H: ['u32', H], W: ['u32', W] },
      body: `${position}
  var s = 0.0;
  if (h + 1u < H) { let d = img[i + W] - img[i]; s += d * d; }
  if (w + 1u < W) { let d = img[i + 1u] - img[i]; s += d * d; }
  terms[i] = s;`,
    },
    weight,
  );
  return { loss, cache: { img, weight } };
}

export function tvLossBackward(dloss: GpuTensor, cache: TvLossCache): { dimg: GpuTensor } {
  const { img, weight } = cache;
  const [, , H, W] = img.shape;
  const { dimg } = lossGradient({
    name: 'tv_loss',
    inputs: { img },
    dloss,
    grads: ['dimg'],
    shape: img.shape,
    uniforms: { H: ['u32', H], W: ['u32', W], weight: ['f32', weight] },
    body: `${position}
  let x = img[i];
  var s = 0.0;
  if (h > 0u) { s += x - img[i - W]; }
  if (h + 1u < H) { s += x - img[i + W]; }
  if (w > 0u) { s += x - img[i - 1u]; }
  if (w + 1u < W) { s += x - img[i + 1u]; }
  dimg[i] = 2.0 * weight * s * g;`,
  });
  return { dimg };
}
