import { affineBackward, affineForward } from '../affine';
import type { LossCache } from '../classification';
import { l2RegularizationBackward, l2RegularizationForward } from '../l2_regularization';
import { makeRng, randnTensor } from '../rng';
import { scalar, tensor, type Tensor } from '../tensor';
import type { Model } from './backend';

/**
 * A linear classifier composed of reference ops (cs231n's LinearClassifier):
 *   scores = X·W + b,   L = data_loss(scores, y) + reg·ΣW²
 * with the data loss softmax_loss (linear_softmax.ts) or svm_loss (linear_svm.ts).
 */
type LossOp = {
  forward(x: Tensor, y: Tensor): { loss: Tensor; cache: LossCache };
  backward(dloss: Tensor, cache: LossCache): { dx: Tensor };
};

/** W (D, C) ~ weight_scale·N(0, 1) from the seed, b = 0. */
export function initLinear(D: number, C: number, weightScale: number, seed: number): Record<string, Tensor> {
  return { W: randnTensor([D, C], makeRng(`init:${seed}`), weightScale), b: tensor([C]) };
}

/** a + b, elementwise (the data and regularization gradients of one parameter). */
export function add(a: Tensor, b: Tensor): Tensor {
  return tensor(a.shape, a.data.map((v, i) => v + b.data[i]));
}

export function linearClassifier(lossOp: LossOp, reg: number): Model<Tensor> {
  return {
    scores: ({ W, b }, X) => affineForward(X, W, b).out,
    loss({ W, b }, X, y) {
      const scores = affineForward(X, W, b);
      const data = lossOp.forward(scores.out, y);
      const penalty = l2RegularizationForward(W, { reg });
      const one = scalar(1);
      const { dw, db } = affineBackward(lossOp.backward(one, data.cache).dx, scores.cache);
      const loss = scalar(data.loss.data[0] + penalty.loss.data[0]);
      return { loss, grads: { dW: add(dw, l2RegularizationBackward(one, penalty.cache).dw), db } };
    },
  };
}
