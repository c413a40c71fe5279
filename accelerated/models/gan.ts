import { ganModel, type GanArch, type GanModel } from '../../reference/models/gan';
import type { GpuTensor } from '../runtime/buffers';
import { GPU_OPS } from './generative_layers';

/** Twin of reference/models/gan.ts (gan and dcgan): the same composition with every op a twin; tensors stay on the device. */
export const gan = (arch: GanArch): GanModel<GpuTensor> => ganModel(GPU_OPS, arch);
