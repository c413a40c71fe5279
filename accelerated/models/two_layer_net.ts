import type { Model } from '../../reference/models/backend';
import { affineBackward, affineForward } from '../affine';
import { release, type GpuTensor } from '../buffers';
import { l2RegularizationBackward, l2RegularizationForward } from '../l2_regularization';
import { reluBackward, reluForward } from '../relu';
import { softmaxLossBackward, softmaxLossForward } from '../softmax_loss';
import { addAndRelease, one } from './linear';

/** Twin of reference/models/two_layer_net.ts: affine – relu – affine – softmax of twins, on the device. */
export function twoLayerNet(reg: number): Model<GpuTensor> {
  return {
    scores({ W1, b1, W2, b2 }, X) {
      const a1 = affineForward(X, W1, b1).out;
      const h = reluForward(a1).out;
      const scores = affineForward(h, W2, b2).out;
      release(a1, h);
      return scores;
    },
    loss({ W1, b1, W2, b2 }, X, y) {
      const a1 = affineForward(X, W1, b1);
      const h = reluForward(a1.out);
      const a2 = affineForward(h.out, W2, b2);
      const data = softmaxLossForward(a2.out, y);
      const pen1 = l2RegularizationForward(W1, { reg });
      const pen2 = l2RegularizationForward(W2, { reg });
      const dloss = one(W1);
      const dscores = softmaxLossBackward(dloss, data.cache).dx;
      const g2 = affineBackward(dscores, a2.cache);
      const dh = reluBackward(g2.dx, h.cache).dx;
      const g1 = affineBackward(dh, a1.cache);
      const dW1 = addAndRelease(g1.dw, l2RegularizationBackward(dloss, pen1.cache).dw);
      const dW2 = addAndRelease(g2.dw, l2RegularizationBackward(dloss, pen2.cache).dw);
      const loss = addAndRelease(addAndRelease(data.loss, pen1.loss), pen2.loss);
      release(a1.out, h.out, a2.out, dscores, g2.dx, dh, g1.dx, dloss);
      return { loss, grads: { dW1, db1: g1.db, dW2, db2: g2.db } };
    },
  };
}
