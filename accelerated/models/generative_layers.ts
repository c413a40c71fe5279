import type { ModelOps } from '../../reference/models/generative_layers';
import { numel } from '../../reference/tensor';
import { affineBackward, affineForward } from '../affine';
import { bceWithLogitsBackward, bceWithLogitsForward } from '../bce_with_logits';
import { release, upload, view, type GpuTensor } from '../buffers';
import { conv2dBackward, conv2dForward } from '../conv2d';
import { convTranspose2dBackward, convTranspose2dForward } from '../conv_transpose2d';
import { discriminatorLossBackward, discriminatorLossForward } from '../discriminator_loss';
import { generatorLossBackward, generatorLossForward } from '../generator_loss';
import { klGaussianBackward, klGaussianForward } from '../kl_gaussian';
import { leakyReluBackward, leakyReluForward } from '../leaky_relu';
import { ntXentBackward, ntXentForward, type NtXentCache } from '../nt_xent';
import { pointwise } from '../pointwise';
import { reluBackward, reluForward } from '../relu';
import { reparameterizeBackward, reparameterizeForward } from '../reparameterize';
import { sigmoidForward } from '../sigmoid';
import { tanhBackward, tanhForward } from '../tanh';
import { add } from './linear';

/**
 * The twins behind the generative models (reference/models/generative_layers.ts states the
 * scheme): each reference op of ModelOps replaced by its WebGPU twin, so vae, gan and simclr run on
 * the device with the reference's composition. Only `axpy` is a kernel of its own (one invocation
 * per element, alpha a uniform: memory-bound, nothing to reuse); `releaseCache` frees the buffers
 * the nt_xent twin keeps for its backward (U, the row norms, P).
 */
export const GPU_OPS: ModelOps<GpuTensor> = {
  affineForward, affineBackward, reluForward, reluBackward, leakyReluForward, leakyReluBackward, tanhForward, tanhBackward,
  sigmoidForward, conv2dForward, conv2dBackward, convTranspose2dForward, convTranspose2dBackward,
  reparameterizeForward, reparameterizeBackward, klGaussianForward, klGaussianBackward, bceWithLogitsForward, bceWithLogitsBackward,
  discriminatorLossForward, discriminatorLossBackward, generatorLossForward, generatorLossBackward, ntXentForward, ntXentBackward,
  add,
  axpy: (alpha, a, b) => pointwise(a.gpu, {
    name: 'models:axpy', inputs: { a, b }, outputs: { out: { shape: a.shape } }, count: numel(a.shape),
    uniforms: { alpha: ['f32', alpha] }, body: 'out[i] = alpha * a[i] + b[i];',
  }).out,
  constant: (like, t) => upload(like.gpu, t),
  view,
  release,
  releaseCache(cache) {
    const { u, norms, probs } = cache as NtXentCache;
    release(u, norms, probs);
  },
};
