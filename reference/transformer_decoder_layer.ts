import type { Tensor } from './tensor';
import { REFERENCE_LAYER_OPS } from './transformer_encoder_layer';
import {
  layerBackward,
  layerForward,
  layerWeights,
  requireLayerGrad,
  validateLayer,
  type LayerCache,
  type LayerOps,
  type TransformerLayerParams,
} from './transformer_layer';
import type { Shaped } from './validate';

const OP = 'transformer_decoder_layer';
const PREFIXES = ['self', 'cross'];
/** Inputs in argument order: tgt, memory, the weights, tgt_mask. */
export const DECODER_INPUTS = ['tgt', 'memory', ...layerWeights(PREFIXES), 'tgt_mask'];

/** Course-style arguments: tgt, memory, the weights in DECODER_INPUTS order, tgt_mask (optional), params. */
export type DecoderArgs<T> = [tgt: T, memory: T, ...weights: T[], tgt_mask: T | undefined, params: TransformerLayerParams];

const named = <T>(args: readonly unknown[]): Record<string, T | undefined> =>
  Object.fromEntries(DECODER_INPUTS.map((name, i) => [name, args[i] as T | undefined]));

export function validateTransformerDecoderLayer(t: Record<string, Shaped | undefined>, params: TransformerLayerParams) {
  return validateLayer(OP, 'tgt', t, PREFIXES, 'tgt_mask', params);
}

/**
 * nn.TransformerDecoderLayer (batch_first, relu, dropout off) on tgt (N, T, E), memory (N, S, E) → out (N, T, E):
 *   post-norm: x ← LN1(x + SA(x, tgt_mask)); x ← LN2(x + CA(x, memory)); out = LN3(x + FFN(x))
 *   pre-norm:  x ← x + SA(LN1(x), tgt_mask); x ← x + CA(LN2(x), memory); out = x + FFN(LN3(x))
 * SA = multi_head_attention(x, x, x) with self_Wq … self_bo; CA = multi_head_attention(x, memory,
 * memory) with cross_Wq … cross_bo, unmasked; FFN(x) = relu(x·W1 + b1)·W2 + b2.
 */
export function decoderLayer<T extends Shaped>(ops: LayerOps<T>) {
  return {
    forward(...args: DecoderArgs<T>): { out: T; cache: LayerCache<T> } {
      const t = named<T>(args);
      const settings = validateTransformerDecoderLayer(t, args[args.length - 1] as TransformerLayerParams);
      return layerForward(ops, t.tgt as T, t as Record<string, T>, settings, [
        { prefix: 'self', mask: t.tgt_mask },
        { prefix: 'cross', memory: t.memory },
      ]);
    },
    /** { dtgt, dmemory, dself_Wq, …, dcross_Wq, …, dW1, …, dln3_beta }. */
    backward(dout: T, cache: LayerCache<T>): Record<string, T> {
      requireLayerGrad(OP, 'tgt', dout, cache);
      const { dx, grads } = layerBackward(ops, dout, cache);
      return { dtgt: dx, ...grads };
    },
  };
}

const referenceDecoder = decoderLayer<Tensor>(REFERENCE_LAYER_OPS);

/** The decoder layer on reference tensors (see decoderLayer): tgt, memory, the weights, tgt_mask, params. */
export function transformerDecoderLayerForward(...args: DecoderArgs<Tensor>): { out: Tensor; cache: LayerCache<Tensor> } {
  return referenceDecoder.forward(...args);
}

/** { dtgt, dmemory, dself_Wq, …, dcross_Wq, …, dW1, …, dln3_beta } */
export function transformerDecoderLayerBackward(dout: Tensor, cache: LayerCache<Tensor>): Record<string, Tensor> {
  return referenceDecoder.backward(dout, cache);
}
