import { affineBackward, affineForward } from '../affine';
import { avgPool2dBackward, avgPool2dForward } from '../avg_pool2d';
import { batchnormBackward, batchnormForward } from '../batchnorm';
import { bceWithLogitsBackward, bceWithLogitsForward } from '../bce_with_logits';
import { contentLossBackward, contentLossForward } from '../content_loss';
import { conv2dBackward, conv2dForward, type Conv2dParams } from '../conv2d';
import { convTranspose2dBackward, convTranspose2dForward } from '../conv_transpose2d';
import { discriminatorLossBackward, discriminatorLossForward } from '../discriminator_loss';
import { dotProductAttentionStepBackward, dotProductAttentionStepForward } from '../dot_product_attention_step';
import { dropoutBackward, dropoutForward, type DropoutParams } from '../dropout';
import { generatorLossBackward, generatorLossForward } from '../generator_loss';
import { globalAvgPoolBackward, globalAvgPoolForward } from '../global_avg_pool';
import { gramMatrixForward } from '../gram_matrix';
import { klGaussianBackward, klGaussianForward } from '../kl_gaussian';
import { l2RegularizationBackward, l2RegularizationForward, type L2RegularizationParams } from '../l2_regularization';
import { layernormBackward, layernormForward, type LayernormParams } from '../layernorm';
import { leakyReluBackward, leakyReluForward } from '../leaky_relu';
import { lstmStepBackward, lstmStepForward } from '../lstm_step';
import { maxPool2dBackward, maxPool2dForward } from '../max_pool2d';
import type { BatchnormParams } from '../normalization';
import { ntXentVectorizedBackward, ntXentVectorizedForward, type NtXentParams } from '../nt_xent';
import type { PoolParams } from '../pooling';
import { positionalEncodingForward } from '../positional_encoding';
import { reluBackward, reluForward } from '../relu';
import { reparameterizeBackward, reparameterizeForward } from '../reparameterize';
import { rnnBackward, rnnForward } from '../rnn_forward';
import { rnnStepForward } from '../rnn_step';
import { sigmoidForward } from '../sigmoid';
import { softmaxLossVectorizedBackward, softmaxLossVectorizedForward } from '../softmax_loss';
import { spatialBatchnormBackward, spatialBatchnormForward } from '../spatial_batchnorm';
import { styleLossBackward, styleLossForward, type StyleLossParams } from '../style_loss';
import { tanhBackward, tanhForward } from '../tanh';
import { temporalAffineBackward, temporalAffineForward } from '../temporal_affine';
import { temporalSoftmaxLossBackward, temporalSoftmaxLossForward } from '../temporal_softmax_loss';
import { svmLossVectorizedBackward, svmLossVectorizedForward } from '../svm_loss';
import { add, reshape, type Tensor } from '../tensor';
import { transformerDecoderLayerBackward, transformerDecoderLayerForward, type DecoderArgs } from '../transformer_decoder_layer';
import { tvLossBackward, tvLossForward } from '../tv_loss';
import { wordEmbeddingBackward, wordEmbeddingForward } from '../word_embedding';

/**
 * The one table of ops every model composes: each op of docs/ops.md a model uses, under the name and
 * signature of reference/<op>.ts, plus the tensor helpers all of them need (add, constant, view,
 * release). A model is written once over this table (generic in the tensor type T) and runs on
 * either backend: REFERENCE_MODEL_OPS below (float64, host tensors) or WEBGPU_MODEL_OPS in
 * accelerated/models/ops.ts (the twins, tensors kept on the device). Each family extends the table with pieces of its own:
 * layers.ts (the tape of the classifiers, the detector and style transfer), detector.ts,
 * generative_layers.ts (vae, gan, simclr), captioning_ops.ts (the captioners); caches are opaque.
 */
export interface Pass<T> {
  out: T;
  cache: unknown;
}
type Norm<T> = Pass<T> & { running_mean: T; running_var: T };
/** A loss op's forward. */
type Loss<T> = { loss: T; cache: unknown };

export interface ModelOpTable<T> {
  affineForward(x: T, w: T, b: T): Pass<T>;
  affineBackward(dout: T, cache: unknown): { dx: T; dw: T; db: T };
  reluForward(x: T): Pass<T>;
  reluBackward(dout: T, cache: unknown): { dx: T };
  leakyReluForward(x: T, params: { alpha: number }): Pass<T>;
  leakyReluBackward(dout: T, cache: unknown): { dx: T };
  tanhForward(x: T): Pass<T>;
  tanhBackward(dout: T, cache: unknown): { dx: T };
  sigmoidForward(x: T): Pass<T>;
  conv2dForward(x: T, w: T, b: T, params?: Conv2dParams): Pass<T>;
  conv2dBackward(dout: T, cache: unknown): { dx: T; dw: T; db: T };
  convTranspose2dForward(x: T, w: T, b: T, params: { stride: number; pad: number }): Pass<T>;
  convTranspose2dBackward(dout: T, cache: unknown): { dx: T; dw: T; db: T };
  maxPool2dForward(x: T, params: PoolParams): Pass<T>;
  maxPool2dBackward(dout: T, cache: unknown): { dx: T };
  avgPool2dForward(x: T, params: PoolParams): Pass<T>;
  avgPool2dBackward(dout: T, cache: unknown): { dx: T };
  globalAvgPoolForward(x: T): Pass<T>;
  globalAvgPoolBackward(dout: T, cache: unknown): { dx: T };
  batchnormForward(x: T, gamma: T, beta: T, running_mean: T, running_var: T, params: BatchnormParams): Norm<T>;
  batchnormBackward(dout: T, cache: unknown): { dx: T; dgamma: T; dbeta: T };
  spatialBatchnormForward(x: T, gamma: T, beta: T, running_mean: T, running_var: T, params: BatchnormParams): Norm<T>;
  spatialBatchnormBackward(dout: T, cache: unknown): { dx: T; dgamma: T; dbeta: T };
  layernormForward(x: T, gamma: T, beta: T, params?: LayernormParams): Pass<T>;
  layernormBackward(dout: T, cache: unknown): { dx: T; dgamma: T; dbeta: T };
  dropoutForward(x: T, params: DropoutParams): Pass<T>;
  dropoutBackward(dout: T, cache: unknown): { dx: T };
  softmaxLossForward(x: T, y: T): Loss<T>;
  softmaxLossBackward(dloss: T, cache: unknown): { dx: T };
  svmLossForward(x: T, y: T): Loss<T>;
  svmLossBackward(dloss: T, cache: unknown): { dx: T };
  l2RegularizationForward(w: T, params: L2RegularizationParams): Loss<T>;
  l2RegularizationBackward(dloss: T, cache: unknown): { dw: T };
  reparameterizeForward(mu: T, logvar: T, eps: T): { z: T; cache: unknown };
  reparameterizeBackward(dz: T, cache: unknown): { dmu: T; dlogvar: T };
  klGaussianForward(mu: T, logvar: T): Loss<T>;
  klGaussianBackward(dloss: T, cache: unknown): { dmu: T; dlogvar: T };
  bceWithLogitsForward(x: T, y: T): Loss<T>;
  bceWithLogitsBackward(dloss: T, cache: unknown): { dx: T };
  discriminatorLossForward(logitsReal: T, logitsFake: T): Loss<T>;
  discriminatorLossBackward(dloss: T, cache: unknown): { dlogits_real: T; dlogits_fake: T };
  generatorLossForward(logitsFake: T): Loss<T>;
  generatorLossBackward(dloss: T, cache: unknown): { dlogits_fake: T };
  ntXentForward(z: T, params: NtXentParams): Loss<T>;
  ntXentBackward(dloss: T, cache: unknown): { dz: T };
  gramMatrixForward(features: T): Pass<T>;
  contentLossForward(current: T, original: T, params: { content_weight: number }): Loss<T>;
  contentLossBackward(dloss: T, cache: unknown): { dcurrent: T };
  styleLossForward(...args: Array<T | StyleLossParams>): Loss<T>;
  styleLossBackward(dloss: T, cache: unknown): Record<string, T>;
  tvLossForward(img: T, params: { tv_weight: number }): Loss<T>;
  tvLossBackward(dloss: T, cache: unknown): { dimg: T };
  wordEmbeddingForward(x: T, W: T): Pass<T>;
  wordEmbeddingBackward(dout: T, cache: unknown): { dW: T };
  temporalAffineForward(x: T, w: T, b: T): Pass<T>;
  temporalAffineBackward(dout: T, cache: unknown): { dx: T; dw: T; db: T };
  temporalSoftmaxLossForward(x: T, y: T, mask: T): Loss<T>;
  temporalSoftmaxLossBackward(dloss: T, cache: unknown): { dx: T };
  rnnForward(x: T, h0: T, Wx: T, Wh: T, b: T): { h: T; cache: unknown };
  rnnBackward(dh: T, cache: unknown): { dx: T; dh0: T; dWx: T; dWh: T; db: T };
  rnnStepForward(x: T, prev_h: T, Wx: T, Wh: T, b: T): { next_h: T; cache: unknown };
  lstmStepForward(x: T, prev_h: T, prev_c: T, Wx: T, Wh: T, b: T): { next_h: T; next_c: T; cache: unknown };
  lstmStepBackward(dnext_h: T, dnext_c: T, cache: unknown): { dx: T; dprev_h: T; dprev_c: T; dWx: T; dWh: T; db: T };
  dotProductAttentionStepForward(prevH: T, A: T): { attn: T; attn_weights: T; cache: unknown };
  dotProductAttentionStepBackward(dattn: T, dattnWeights: T, cache: unknown): { dprev_h: T; dA: T };
  positionalEncodingForward(positions: T, params: { E: number }): { out: T };
  transformerDecoderLayerForward(...args: DecoderArgs<T>): Pass<T>;
  transformerDecoderLayerBackward(dout: T, cache: unknown): Record<string, T>;

  /** a + b (a fresh tensor). */
  add(a: T, b: T): T;
  /** A host tensor on the backend of `like` (the upstream gradient 1 of a loss, zero biases). */
  constant(like: T, t: Tensor): T;
  /** The same data under another shape of equal size (no copy: the view shares t's storage and is never freed on its own). */
  view(t: T, shape: readonly number[]): T;
  /** Frees device memory (nothing on the reference). */
  release(...ts: T[]): void;
  /** Runs fn, then frees the device tensors it made except those in its result (accelerated/runtime/scope.ts; on the reference it only runs fn). */
  scope<R>(fn: () => R): R;
}

/** The reference ops (the vectorized variant where an op has two). */
export const REFERENCE_MODEL_OPS: ModelOpTable<Tensor> = {
  affineForward,
  affineBackward,
  reluForward,
  reluBackward,
  leakyReluForward,
  leakyReluBackward,
  tanhForward,
  tanhBackward,
  sigmoidForward,
  conv2dForward,
  conv2dBackward,
  convTranspose2dForward,
  convTranspose2dBackward,
  maxPool2dForward,
  maxPool2dBackward,
  avgPool2dForward,
  avgPool2dBackward,
  globalAvgPoolForward,
  globalAvgPoolBackward,
  batchnormForward,
  batchnormBackward,
  spatialBatchnormForward,
  spatialBatchnormBackward,
  layernormForward,
  layernormBackward,
  dropoutForward,
  dropoutBackward,
  softmaxLossForward: softmaxLossVectorizedForward,
  softmaxLossBackward: softmaxLossVectorizedBackward,
  svmLossForward: svmLossVectorizedForward,
  svmLossBackward: svmLossVectorizedBackward,
  l2RegularizationForward,
  l2RegularizationBackward,
  reparameterizeForward,
  reparameterizeBackward,
  klGaussianForward,
  klGaussianBackward,
  bceWithLogitsForward,
  bceWithLogitsBackward,
  discriminatorLossForward,
  discriminatorLossBackward,
  generatorLossForward,
  generatorLossBackward,
  ntXentForward: ntXentVectorizedForward,
  ntXentBackward: ntXentVectorizedBackward,
  gramMatrixForward,
  contentLossForward,
  contentLossBackward,
  styleLossForward,
  styleLossBackward,
  tvLossForward,
  tvLossBackward,
  wordEmbeddingForward,
  wordEmbeddingBackward,
  temporalAffineForward,
  temporalAffineBackward,
  temporalSoftmaxLossForward,
  temporalSoftmaxLossBackward,
  rnnForward,
  rnnBackward,
  rnnStepForward,
  lstmStepForward,
  lstmStepBackward,
  dotProductAttentionStepForward,
  dotProductAttentionStepBackward,
  positionalEncodingForward,
  transformerDecoderLayerForward,
  transformerDecoderLayerBackward,
  add,
  constant: (_like, t) => t,
  view: reshape,
  release: () => undefined,
  scope: (fn) => fn(),
};
