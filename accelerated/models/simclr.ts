import { simclrModel, type SimclrHyper, type SimclrModel } from '../../reference/models/simclr';
import type { GpuTensor } from '../runtime/buffers';
import { GPU_OPS } from './generative_layers';

/** Twin of reference/models/simclr.ts: the same composition with every op a twin; tensors stay on the device. */
export const simclr = (hyper: SimclrHyper): SimclrModel<GpuTensor> => simclrModel(GPU_OPS, hyper);
