import type { Model } from '../../reference/models/backend';
import { twoLayerNetOn } from '../../reference/models/two_layer_net';
import type { GpuTensor } from '../runtime/buffers';
import { WEBGPU_OPS } from './layers';

/** Twin of reference/models/two_layer_net.ts: the same network on the twins (affine, relu, softmax_loss), on the device. */
export const twoLayerNet = (reg: number): Model<GpuTensor> => twoLayerNetOn(WEBGPU_OPS, reg);
