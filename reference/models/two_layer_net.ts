import { affineBackward, affineForward } from '../affine';
import { l2RegularizationBackward, l2RegularizationForward } from '../l2_regularization';
import { reluBackward, reluForward } from '../relu';
import { makeRng, randnTensor } from '../rng';
import { softmaxLossVectorizedBackward, softmaxLossVectorizedForward } from '../softmax_loss';
import { scalar, tensor, type Tensor } from '../tensor';
import type { Model } from './backend';
import { add } from './linear';

/**
 * cs231n's TwoLayerNet composed of reference ops: affine – relu – affine – softmax,
 *   h = relu(X·W1 + b1),  scores = h·W2 + b2,  L = softmax_loss(scores, y) + reg·(ΣW1² + ΣW2²)
 */
/** W1 (D, H), W2 (H, C) ~ weight_scale·N(0, 1) from the seed; b1, b2 = 0. */
export function initTwoLayerNet(D: number, H: number, C: number, weightScale: number, seed: number): Record<string, Tensor> {
  const rng = makeRng(`init:${seed}`);
  return { W1: randnTensor([D, H], rng, weightScale), b1: tensor([H]), W2: randnTensor([H, C], rng, weightScale), b2: tensor([C]) };
}

export function twoLayerNet(reg: number): Model<Tensor> {
  return {
    scores: ({ W1, b1, W2, b2 }, X) => affineForward(reluForward(affineForward(X, W1, b1).out).out, W2, b2).out,
    loss({ W1, b1, W2, b2 }, X, y) {
      const a1 = affineForward(X, W1, b1);
      const h = reluForward(a1.out);
      const a2 = affineForward(h.out, W2, b2);
      const data = softmaxLossVectorizedForward(a2.out, y);
      const pen1 = l2RegularizationForward(W1, { reg });
      const pen2 = l2RegularizationForward(W2, { reg });
      const one = scalar(1);
      const g2 = affineBackward(softmaxLossVectorizedBackward(one, data.cache).dx, a2.cache);
      const g1 = affineBackward(reluBackward(g2.dx, h.cache).dx, a1.cache);
      return {
        loss: scalar(data.loss.data[0] + pen1.loss.data[0] + pen2.loss.data[0]),
        grads: {
          dW1: add(g1.dw, l2RegularizationBackward(one, pen1.cache).dw),
          db1: g1.db,
          dW2: add(g2.dw, l2RegularizationBackward(one, pen2.cache).dw),
          db2: g2.db,
        },
      };
    },
  };
}
