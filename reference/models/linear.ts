import { makeRng, randnTensor } from '../rng';
import { tensor, type Tensor } from '../tensor';
import type { Model } from './backend';
import { classifier, type Ops } from './layers';

/**
 * A linear classifier (cs231n's LinearClassifier) on either backend's ops:
 *   scores = X·W + b,   L = data_loss(scores, y) + reg·ΣW²
 * with the data loss softmax_loss (linear_softmax.ts) or svm_loss (linear_svm.ts).
 */
export function linearClassifierOn<T>(ops: Ops<T>, dataLoss: 'softmax' | 'svm', reg: number): Model<T> {
  return classifier(ops, { net: (tape, x) => tape.affine(x, 'W', 'b'), reg, dataLoss });
}

/** W (D, C) ~ weight_scale·N(0, 1) from the seed, b = 0. */
export function initLinear(D: number, C: number, weightScale: number, seed: number): Record<string, Tensor> {
  return { W: randnTensor([D, C], makeRng(`init:${seed}`), weightScale), b: tensor([C]) };
}
