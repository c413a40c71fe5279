import type { Model } from '../../reference/models/backend';
import { captioningRnn, type CaptioningRnnOptions, type CellKind } from '../../reference/models/captioning_rnn';
import type { GpuTensor } from '../runtime/buffers';
import type { Gpu } from '../runtime/device';
import { gpuCaptionOps } from './captioning_ops';

/**
 * Twin of reference/models/captioning_rnn.ts: the same composition over the twins (gpuCaptionOps),
 * so training and greedy sampling stay on the device; only the loss and the exact-match rate are read.
 */
export const gpuCaptioningRnn = (gpu: Gpu, cell: CellKind, options: CaptioningRnnOptions): Model<GpuTensor> => captioningRnn(gpuCaptionOps(gpu), cell, options);
