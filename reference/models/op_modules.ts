import * as activations from '../activations';
import * as affine from '../affine';
import * as anchors from '../anchors';
import * as attention from '../attention';
import * as avg_pool2d from '../avg_pool2d';
import * as batched_nms from '../batched_nms';
import * as batchnorm from '../batchnorm';
import * as bce_with_logits from '../bce_with_logits';
import * as box_decode from '../box_decode';
import * as box_encode from '../box_encode';
import * as box_iou from '../box_iou';
import * as boxes from '../boxes';
import * as chamfer_distance from '../chamfer_distance';
import * as classification from '../classification';
import * as content_loss from '../content_loss';
import * as conv2d from '../conv2d';
import * as conv_transpose2d from '../conv_transpose2d';
import * as discriminator_loss from '../discriminator_loss';
import * as dot_product_attention_step from '../dot_product_attention_step';
import * as dqn_loss from '../dqn_loss';
import * as dropout from '../dropout';
import * as elu from '../elu';
import * as gan from '../gan';
import * as gelu from '../gelu';
import * as generator_loss from '../generator_loss';
import * as global_avg_pool from '../global_avg_pool';
import * as gram_matrix from '../gram_matrix';
import * as groupnorm from '../groupnorm';
import * as gru from '../gru';
import * as gru_forward from '../gru_forward';
import * as gru_forward_course from '../gru_forward_course';
import * as init from '../init';
import * as kl_gaussian from '../kl_gaussian';
import * as knn from '../knn';
import * as l2_regularization from '../l2_regularization';
import * as layernorm from '../layernorm';
import * as leaky_relu from '../leaky_relu';
import * as log_softmax from '../log_softmax';
import * as ls_discriminator_loss from '../ls_discriminator_loss';
import * as ls_generator_loss from '../ls_generator_loss';
import * as lstm_forward from '../lstm_forward';
import * as lstm_step from '../lstm_step';
import * as max_pool2d from '../max_pool2d';
import * as max_unpool2d from '../max_unpool2d';
import * as mean_average_precision from '../mean_average_precision';
import * as multi_head_attention from '../multi_head_attention';
import * as nms from '../nms';
import * as normalization from '../normalization';
import * as nt_xent from '../nt_xent';
import * as optimizers from '../optimizers';
import * as pixel_shuffle from '../pixel_shuffle';
import * as pooling from '../pooling';
import * as positional_encoding from '../positional_encoding';
import * as recurrent from '../recurrent';
import * as relu from '../relu';
import * as reparameterize from '../reparameterize';
import * as resampling from '../resampling';
import * as rnn_forward from '../rnn_forward';
import * as rnn_step from '../rnn_step';
import * as roi_align from '../roi_align';
import * as roi_pool from '../roi_pool';
import * as rois from '../rois';
import * as scaled_dot_product_attention from '../scaled_dot_product_attention';
import * as schedules from '../schedules';
import * as selu from '../selu';
import * as sigmoid from '../sigmoid';
import * as softmax from '../softmax';
import * as softmax_loss from '../softmax_loss';
import * as spatial_batchnorm from '../spatial_batchnorm';
import * as stacked_rnn from '../stacked_rnn';
import * as style_loss from '../style_loss';
import * as svm_loss from '../svm_loss';
import * as tanh from '../tanh';
import * as temporal_affine from '../temporal_affine';
import * as temporal_softmax_loss from '../temporal_softmax_loss';
import * as transformer_decoder_layer from '../transformer_decoder_layer';
import * as transformer_encoder_layer from '../transformer_encoder_layer';
import * as transformer_layer from '../transformer_layer';
import * as triplet_loss from '../triplet_loss';
import * as tv_loss from '../tv_loss';
import * as upsample_bilinear from '../upsample_bilinear';
import * as upsample_nearest from '../upsample_nearest';
import * as word_embedding from '../word_embedding';

/**
 * Every export of every op module (one per file of spec/: the op table of docs/ops.md), so the
 * model op table (ops.ts) picks its entries by name. A new op's module is added here when the op
 * is created (as its twin to accelerated/models/op_modules.ts); no two op modules export one name.
 */
export const OP_EXPORTS = {
  ...activations,
  ...affine,
  ...anchors,
  ...attention,
  ...avg_pool2d,
  ...batched_nms,
  ...batchnorm,
  ...bce_with_logits,
  ...box_decode,
  ...box_encode,
  ...box_iou,
  ...boxes,
  ...chamfer_distance,
  ...classification,
  ...content_loss,
  ...conv2d,
  ...conv_transpose2d,
  ...discriminator_loss,
  ...dot_product_attention_step,
  ...dqn_loss,
  ...dropout,
  ...elu,
  ...gan,
  ...gelu,
  ...generator_loss,
  ...global_avg_pool,
  ...gram_matrix,
  ...groupnorm,
  ...gru,
  ...gru_forward,
  ...gru_forward_course,
  ...init,
  ...kl_gaussian,
  ...knn,
  ...l2_regularization,
  ...layernorm,
  ...leaky_relu,
  ...log_softmax,
  ...ls_discriminator_loss,
  ...ls_generator_loss,
  ...lstm_forward,
  ...lstm_step,
  ...max_pool2d,
  ...max_unpool2d,
  ...mean_average_precision,
  ...multi_head_attention,
  ...nms,
  ...normalization,
  ...nt_xent,
  ...optimizers,
  ...pixel_shuffle,
  ...pooling,
  ...positional_encoding,
  ...recurrent,
  ...relu,
  ...reparameterize,
  ...resampling,
  ...rnn_forward,
  ...rnn_step,
  ...roi_align,
  ...roi_pool,
  ...rois,
  ...scaled_dot_product_attention,
  ...schedules,
  ...selu,
  ...sigmoid,
  ...softmax,
  ...softmax_loss,
  ...spatial_batchnorm,
  ...stacked_rnn,
  ...style_loss,
  ...svm_loss,
  ...tanh,
  ...temporal_affine,
  ...temporal_softmax_loss,
  ...transformer_decoder_layer,
  ...transformer_encoder_layer,
  ...transformer_layer,
  ...triplet_loss,
  ...tv_loss,
  ...upsample_bilinear,
  ...upsample_nearest,
  ...word_embedding,
};
