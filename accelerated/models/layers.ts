import type { Forward, Ops } from '../../reference/models/layers';
import { affineBackward, affineForward } from '../affine';
import { batchnormBackward, batchnormForward } from '../batchnorm';
import { tensor } from '../../reference/tensor';
import { release, upload, view, type GpuTensor } from '../buffers';
import { channelSums, conv2dBackward, conv2dForward, convWeightGrad, type Conv2dCache } from '../conv2d';
import { dropoutBackward, dropoutForward } from '../dropout';
import { map } from '../elementwise';
import { globalAvgPoolBackward, globalAvgPoolForward } from '../global_avg_pool';
import { l2RegularizationBackward, l2RegularizationForward } from '../l2_regularization';
import { layernormBackward, layernormForward } from '../layernorm';
import { maxPool2dBackward, maxPool2dForward } from '../max_pool2d';
import type { NormCache } from '../normalization';
import { reluBackward, reluForward } from '../relu';
import { softmaxLossBackward, softmaxLossForward } from '../softmax_loss';
import { spatialBatchnormBackward, spatialBatchnormForward } from '../spatial_batchnorm';
import { add, one } from './linear';

/**
 * The twins as the Ops of reference/models/layers.ts, so the deeper classifiers run on the device
 * with the same network code. Each forward also names the fresh device tensors its cache holds
 * (`temps`), which the tape frees with the step: max pool's indices, the normalizations' x̂ and
 * batch variance (in test mode batchnorm's cache holds running_var, a param, which stays), the
 * dropout mask. No kernel of its own besides `copy`, an elementwise identity. conv2dParamGrads is
 * conv2dBackward without its dx GEMM (accelerated/conv2d's convWeightGrad and channelSums), for a
 * first layer whose input needs no gradient.
 */
const normTemps = (cache: NormCache): GpuTensor[] => (cache.batchStats ? [cache.xhat, cache.variance] : [cache.xhat]);

function withNormTemps<R extends { cache: NormCache }>(r: R): R & { temps: GpuTensor[] } {
  return { ...r, temps: normTemps(r.cache) };
}

export const WEBGPU_OPS: Ops<GpuTensor> = {
  affineForward, affineBackward, conv2dForward, conv2dBackward, reluForward, reluBackward,
  conv2dParamGrads: (dout, { x, geometry }: Conv2dCache) => ({ dw: convWeightGrad(x, dout, geometry), db: channelSums(dout) }),
  maxPool2dForward(x, params): Forward<GpuTensor> {
    const r = maxPool2dForward(x, params);
    return { ...r, temps: [r.indices] };
  },
  maxPool2dBackward, globalAvgPoolForward, globalAvgPoolBackward,
  batchnormForward: (...args) => withNormTemps(batchnormForward(...args)),
  batchnormBackward,
  spatialBatchnormForward: (...args) => withNormTemps(spatialBatchnormForward(...args)),
  spatialBatchnormBackward,
  layernormForward: (...args) => withNormTemps(layernormForward(...args)),
  layernormBackward,
  dropoutForward(x, params) {
    const r = dropoutForward(x, params);
    return { ...r, temps: r.cache.mask ? [r.cache.mask] : [] };
  },
  dropoutBackward, softmaxLossForward, softmaxLossBackward, l2RegularizationForward, l2RegularizationBackward,
  add, view, copy: (t) => map('copy', 'a', t), one, zeros: (like, shape) => upload(like.gpu, tensor(shape)), release: (...ts) => release(...ts),
};
