import { encoderLayer } from '../reference/transformer_encoder_layer';
import { GPU_LAYER_OPS } from './transformer_layer';

/** Twin of reference/transformer_encoder_layer: the same composition on the twins of accelerated/transformer_layer.ts. */
export const { forward: transformerEncoderLayerForward, backward: transformerEncoderLayerBackward } = encoderLayer(GPU_LAYER_OPS);
