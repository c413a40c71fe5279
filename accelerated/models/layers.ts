import type { Ops } from '../../reference/models/layers';
import type { GpuTensor } from '../runtime/buffers';
import { channelSums, convInputGrad, convWeightGrad, type Conv2dCache } from '../conv2d';
import { map } from '../runtime/elementwise';
import { WEBGPU_MODEL_OPS } from './ops';

/**
 * The Ops of reference/models/layers.ts on the device, so the deeper classifiers run there with the
 * same network code: the model op table's twins (accelerated/models/ops.ts, whose forwards name the
 * fresh tensors their caches hold, freed by the tape with the step) and the tape's helpers. No
 * kernel of its own besides `copy`, an elementwise identity. conv2dParamGrads is conv2dBackward
 * without its dx GEMM (accelerated/conv2d's convWeightGrad and channelSums), for a first layer
 * whose input needs no gradient; conv2dInputGrad is its dx GEMM alone (convInputGrad), for a fixed
 * network (style transfer's feature net).
 */
export const WEBGPU_OPS: Ops<GpuTensor> = {
  ...WEBGPU_MODEL_OPS,
  conv2dParamGrads: (dout, { x, geometry }: Conv2dCache) => ({ dw: convWeightGrad(x, dout, geometry), db: channelSums(dout) }),
  conv2dInputGrad: (dout, { w, geometry }: Conv2dCache) => convInputGrad(dout, w, undefined, geometry),
  copy: (t) => map('copy', 'a', t),
};
