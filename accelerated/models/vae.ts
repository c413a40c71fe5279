import { vaeModel, type VaeHyper, type VaeModel } from '../../reference/models/vae';
import type { GpuTensor } from '../runtime/buffers';
import { GPU_OPS } from './generative_layers';

/** Twin of reference/models/vae.ts: the same composition with every op a twin; tensors stay on the device. */
export const vae = (hyper: VaeHyper): VaeModel<GpuTensor> => vaeModel(GPU_OPS, hyper);
