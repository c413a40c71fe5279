import { decoderLayer } from '../reference/transformer_decoder_layer';
import { GPU_LAYER_OPS } from './transformer_layer';

/** Twin of reference/transformer_decoder_layer: the same composition on the twins of accelerated/transformer_layer.ts. */
export const { forward: transformerDecoderLayerForward, backward: transformerDecoderLayerBackward } = decoderLayer(GPU_LAYER_OPS);
