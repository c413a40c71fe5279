import { validateBatchedNms } from '../reference/batched_nms';
import type { NmsParams } from '../reference/nms';
import type { GpuTensor } from './runtime/buffers';
import { suppress } from './nms';

/** Twin of reference/batched_nms: the kernels of accelerated/nms.ts, whose mask only lets boxes of one class suppress each other. */
export async function batchedNmsForward(
  boxes: GpuTensor,
  scores: GpuTensor,
  idxs: GpuTensor,
  params: NmsParams = {},
): Promise<{ keep: GpuTensor; cache: null }> {
  validateBatchedNms(boxes, scores, idxs, params);
  return { keep: await suppress('batched_nms', boxes, scores, idxs, params), cache: null };
}
