import type { Model } from '../../reference/models/backend';
import { affineBackward, affineForward } from '../affine';
import { release, upload, type GpuTensor } from '../buffers';
import type { LossCache } from '../classification';
import { map } from '../elementwise';
import { l2RegularizationBackward, l2RegularizationForward } from '../l2_regularization';
import { scalar } from '../../reference/tensor';

/**
 * Twin of reference/models/linear.ts composed of twins: scores = X·W + b (accelerated/affine),
 * L = data_loss(scores, y) + reg·ΣW² (accelerated/l2_regularization); everything stays on the device.
 */
type LossOp = {
  forward(x: GpuTensor, y: GpuTensor): { loss: GpuTensor; cache: LossCache };
  backward(dloss: GpuTensor, cache: LossCache): { dx: GpuTensor };
};

/** a + b on the device (losses and the data + regularization gradients of one parameter). */
export const add = (a: GpuTensor, b: GpuTensor): GpuTensor => map('models_add', 'a + b', a, b);

/** add(a, b), freeing a and b. */
export function addAndRelease(a: GpuTensor, b: GpuTensor): GpuTensor {
  const sum = add(a, b);
  release(a, b);
  return sum;
}

/** The scalar 1 on the device: the upstream gradient of the full loss. */
export const one = (like: GpuTensor): GpuTensor => upload(like.gpu, scalar(1));

export function linearClassifier(lossOp: LossOp, reg: number): Model<GpuTensor> {
  return {
    scores: ({ W, b }, X) => affineForward(X, W, b).out,
    loss({ W, b }, X, y) {
      const scores = affineForward(X, W, b);
      const data = lossOp.forward(scores.out, y);
      const penalty = l2RegularizationForward(W, { reg });
      const dloss = one(W);
      const { dx: dscores } = lossOp.backward(dloss, data.cache);
      const { dx, dw, db } = affineBackward(dscores, scores.cache);
      const dW = addAndRelease(dw, l2RegularizationBackward(dloss, penalty.cache).dw);
      release(scores.out, dscores, dx, dloss);
      return { loss: addAndRelease(data.loss, penalty.loss), grads: { dW, db } };
    },
  };
}
