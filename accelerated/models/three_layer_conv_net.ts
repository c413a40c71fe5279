import type { Model } from '../../reference/models/backend';
import { threeLayerConvNetOn } from '../../reference/models/three_layer_conv_net';
import type { GpuTensor } from '../runtime/buffers';
import { WEBGPU_OPS } from './layers';

/** Twin of reference/models/three_layer_conv_net.ts: the same network on the twins (conv2d, max_pool2d, affine, relu, softmax_loss), on the device. */
export function threeLayerConvNet(hyper: Record<string, number>): Model<GpuTensor> {
  return threeLayerConvNetOn(WEBGPU_OPS, hyper);
}
