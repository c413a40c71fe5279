import type { Model } from '../../reference/models/backend';
import { fcNetOn, type FcNetConfig } from '../../reference/models/fc_net';
import type { GpuTensor } from '../runtime/buffers';
import { WEBGPU_OPS } from './layers';

/** Twin of reference/models/fc_net.ts: the same network on the twins (affine, batchnorm, layernorm, relu, dropout, softmax_loss), on the device. */
export function fcNet(config: FcNetConfig): Model<GpuTensor> {
  return fcNetOn(WEBGPU_OPS, config);
}
