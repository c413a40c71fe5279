import { makeRng, randnTensor } from '../rng';
import { tensor, type Tensor } from '../tensor';
import type { Model } from './backend';
import { classifier, REFERENCE_OPS, type Ops } from './layers';

/**
 * cs231n's TwoLayerNet on either backend's ops: affine – relu – affine – softmax,
 *   h = relu(X·W1 + b1),  scores = h·W2 + b2,  L = softmax_loss(scores, y) + reg·(ΣW1² + ΣW2²)
 */
export function twoLayerNetOn<T>(ops: Ops<T>, reg: number): Model<T> {
  return classifier(ops, { net: (tape, x) => tape.affine(tape.relu(tape.affine(x, 'W1', 'b1')), 'W2', 'b2'), reg });
}

export const twoLayerNet = (reg: number): Model<Tensor> => twoLayerNetOn(REFERENCE_OPS, reg);

/** W1 (D, H), W2 (H, C) ~ weight_scale·N(0, 1) from the seed; b1, b2 = 0. */
export function initTwoLayerNet(D: number, H: number, C: number, weightScale: number, seed: number): Record<string, Tensor> {
  const rng = makeRng(`init:${seed}`);
  return { W1: randnTensor([D, H], rng, weightScale), b1: tensor([H]), W2: randnTensor([H, C], rng, weightScale), b2: tensor([C]) };
}
