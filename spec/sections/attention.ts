import { dot_product_attention_step } from '../dot_product_attention_step';
import { multi_head_attention } from '../multi_head_attention';
import { section } from '../harness/op';
import { positional_encoding } from '../positional_encoding';
import { scaled_dot_product_attention } from '../scaled_dot_product_attention';
import { transformer_decoder_layer } from '../transformer_decoder_layer';
import { transformer_encoder_layer } from '../transformer_encoder_layer';

/** In the order of docs/ops.md. */
export const ATTENTION = section('Attention', [
  scaled_dot_product_attention,
  multi_head_attention,
  positional_encoding,
  transformer_encoder_layer,
  transformer_decoder_layer,
  dot_product_attention_step,
]);
