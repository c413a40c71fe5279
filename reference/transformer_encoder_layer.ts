import { affineBackward, affineForward } from './affine';
import { multiHeadAttentionBackward, multiHeadAttentionForward } from './multi_head_attention';
import { layernormBackward, layernormForward } from './layernorm';
import { reluBackward, reluForward } from './relu';
import { add, reshape, type Tensor } from './tensor';
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

const OP = 'transformer_encoder_layer';
const PREFIXES = ['self'];
/** Inputs in argument order: x, the weights, src_mask. */
export const ENCODER_INPUTS = ['x', ...layerWeights(PREFIXES), 'src_mask'];

/** The reference ops a layer is composed of (the twin passes their twins). */
export const REFERENCE_LAYER_OPS: LayerOps<Tensor> = {
  multiHeadAttentionForward,
  multiHeadAttentionBackward,
  layernormForward,
  layernormBackward,
  affineForward,
  affineBackward,
  reluForward,
  reluBackward,
  add,
  reshape,
  scope: (fn) => fn(),
};

/** Course-style arguments: x, the weights in ENCODER_INPUTS order, src_mask (optional), params. */
export type EncoderArgs<T> = [x: T, ...weights: T[], src_mask: T | undefined, params: TransformerLayerParams];

const named = <T>(args: readonly unknown[]): Record<string, T | undefined> =>
  Object.fromEntries(ENCODER_INPUTS.map((name, i) => [name, args[i] as T | undefined]));

export function validateTransformerEncoderLayer(t: Record<string, Shaped | undefined>, params: TransformerLayerParams) {
  return validateLayer(OP, 'x', t, PREFIXES, 'src_mask', params);
}

/**
 * nn.TransformerEncoderLayer (batch_first, relu, dropout off) on x (N, S, E) → out (N, S, E):
 *   post-norm: x ← LN1(x + MHA(x, x, x, src_mask)); out = LN2(x + FFN(x))
 *   pre-norm:  x ← x + MHA(LN1(x), …);              out = x + FFN(LN2(x))
 * with MHA the op multi_head_attention (weights self_Wq … self_bo) and FFN(x) = relu(x·W1 + b1)·W2 + b2.
 */
export function encoderLayer<T extends Shaped>(ops: LayerOps<T>) {
  return {
    forward(...args: EncoderArgs<T>): { out: T; cache: LayerCache<T> } {
      const t = named<T>(args);
      const settings = validateTransformerEncoderLayer(t, args[args.length - 1] as TransformerLayerParams);
      return layerForward(ops, t.x as T, t as Record<string, T>, settings, [{ prefix: 'self', mask: t.src_mask }]);
    },
    /** Back through the blocks (reference/transformer_layer.ts): { dx, dself_Wq, …, dW1, …, dln2_beta }. */
    backward(dout: T, cache: LayerCache<T>): Record<string, T> {
      requireLayerGrad(OP, 'x', dout, cache);
      const { dx, grads } = layerBackward(ops, dout, cache);
      return { dx, ...grads };
    },
  };
}

const referenceEncoder = encoderLayer(REFERENCE_LAYER_OPS);

/** The encoder layer on reference tensors (see encoderLayer): x, the weights, src_mask, params. */
export function transformerEncoderLayerForward(...args: EncoderArgs<Tensor>): { out: Tensor; cache: LayerCache<Tensor> } {
  return referenceEncoder.forward(...args);
}

/** { dx, dself_Wq, …, dW1, …, dln2_beta } */
export function transformerEncoderLayerBackward(dout: Tensor, cache: LayerCache<Tensor>): Record<string, Tensor> {
  return referenceEncoder.backward(dout, cache);
}
