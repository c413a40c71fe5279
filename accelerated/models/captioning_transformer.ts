import type { Model } from '../../reference/models/backend';
import { captioningTransformer, type CaptioningTransformerOptions } from '../../reference/models/captioning_transformer';
import type { GpuTensor } from '../runtime/buffers';
import type { Gpu } from '../runtime/device';
import { gpuCaptionOps } from './captioning_ops';

/**
 * Twin of reference/models/captioning_transformer.ts: the same composition over the twins
 * (gpuCaptionOps); training and greedy sampling stay on the device.
 */
export const gpuCaptioningTransformer = (gpu: Gpu, options: CaptioningTransformerOptions): Model<GpuTensor> =>
  captioningTransformer(gpuCaptionOps(gpu), options);
