import { styleTransferObjectiveOn, type ImageObjective, type StyleTransferHyper } from '../../reference/models/style_transfer';
import type { GpuTensor } from '../runtime/buffers';
import { WEBGPU_OPS } from './layers';

/**
 * Twin of reference/models/style_transfer.ts: the same objective on the twins (conv2d, relu,
 * avg_pool2d, gram_matrix, content_loss, style_loss, tv_loss). The image, features, targets and
 * gradients stay on the device; the feature net is fixed, so each conv backward is the twin's
 * input-gradient kernel alone (conv2dInputGrad, no dw or db).
 */
export const styleTransferObjective = (
  net: Record<string, GpuTensor>,
  content: GpuTensor,
  style: GpuTensor,
  hyper: StyleTransferHyper,
): ImageObjective<GpuTensor> => styleTransferObjectiveOn(WEBGPU_OPS, net, content, style, hyper);
