import type { Model } from '../../reference/models/backend';
import { residualConvNetOn } from '../../reference/models/residual_conv_net';
import type { GpuTensor } from '../runtime/buffers';
import { WEBGPU_OPS } from './layers';

/** Twin of reference/models/residual_conv_net.ts: the same network on the twins (conv2d, spatial_batchnorm, relu, max_pool2d, affine, softmax_loss), on the device. */
export function residualConvNet(hyper: Record<string, number>): Model<GpuTensor> {
  return residualConvNetOn(WEBGPU_OPS, hyper);
}
