import type { ModelOpTable } from '../../reference/models/ops';
import { affineBackward, affineForward } from '../affine';
import { avgPool2dBackward, avgPool2dForward } from '../avg_pool2d';
import { batchnormBackward, batchnormForward } from '../batchnorm';
import { bceWithLogitsBackward, bceWithLogitsForward } from '../bce_with_logits';
import { release, upload, view, type GpuTensor } from '../runtime/buffers';
import { scope } from '../runtime/scope';
import { contentLossBackward, contentLossForward } from '../content_loss';
import { conv2dBackward, conv2dForward } from '../conv2d';
import { convTranspose2dBackward, convTranspose2dForward } from '../conv_transpose2d';
import { discriminatorLossBackward, discriminatorLossForward } from '../discriminator_loss';
import { dotProductAttentionStepBackward, dotProductAttentionStepForward } from '../dot_product_attention_step';
import { dropoutBackward, dropoutForward } from '../dropout';
import { generatorLossBackward, generatorLossForward } from '../generator_loss';
import { globalAvgPoolBackward, globalAvgPoolForward } from '../global_avg_pool';
import { gramMatrixForward } from '../gram_matrix';
import { klGaussianBackward, klGaussianForward } from '../kl_gaussian';
import { l2RegularizationBackward, l2RegularizationForward } from '../l2_regularization';
import { layernormBackward, layernormForward } from '../layernorm';
import { leakyReluBackward, leakyReluForward } from '../leaky_relu';
import { lstmStepBackward, lstmStepForward } from '../lstm_step';
import { maxPool2dBackward, maxPool2dForward } from '../max_pool2d';
import { map } from '../runtime/elementwise';
import { ntXentBackward, ntXentForward } from '../nt_xent';
import { positionalEncodingForward } from '../positional_encoding';
import { reluBackward, reluForward } from '../relu';
import { reparameterizeBackward, reparameterizeForward } from '../reparameterize';
import { rnnBackward, rnnForward } from '../rnn_forward';
import { rnnStepForward } from '../rnn_step';
import { sigmoidForward } from '../sigmoid';
import { softmaxLossBackward, softmaxLossForward } from '../softmax_loss';
import { svmLossBackward, svmLossForward } from '../svm_loss';
import { spatialBatchnormBackward, spatialBatchnormForward } from '../spatial_batchnorm';
import { styleLossBackward, styleLossForward } from '../style_loss';
import { tanhBackward, tanhForward } from '../tanh';
import { temporalAffineBackward, temporalAffineForward } from '../temporal_affine';
import { temporalSoftmaxLossBackward, temporalSoftmaxLossForward } from '../temporal_softmax_loss';
import { transformerDecoderLayerBackward, transformerDecoderLayerForward } from '../transformer_decoder_layer';
import { tvLossBackward, tvLossForward } from '../tv_loss';
import { wordEmbeddingBackward, wordEmbeddingForward } from '../word_embedding';

/**
 * The model op table of reference/models/ops.ts on the device: every entry the WebGPU twin of the
 * reference op, so a model written over the table runs on the device with the reference's
 * composition. A model runs its passes in `scope` (accelerated/runtime/scope.ts), which frees the caches
 * and intermediates. `add` is the elementwise kernel of accelerated/runtime/elementwise.ts.
 */
const add = (a: GpuTensor, b: GpuTensor): GpuTensor => map('models_add', 'a + b', a, b);

export const WEBGPU_MODEL_OPS: ModelOpTable<GpuTensor> = {
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
  softmaxLossForward,
  softmaxLossBackward,
  svmLossForward,
  svmLossBackward,
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
  ntXentForward,
  ntXentBackward,
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
  constant: (like, t) => upload(like.gpu, t),
  view,
  release: (...ts) => release(...ts),
  scope: (fn) => scope(fn),
};
