import { GRU_COURSE, validateGruForwardCourse } from '../reference/gru_forward_course';
import type { GpuTensor } from './buffers';
import { gruTwinBackward, gruTwinForward, type GruTwinCache } from './gru';

/** Twin of reference/gru_forward_course (reset before the hidden matmul): kernels and tiling in gru.ts. */
export function gruForwardCourseForward(
  x: GpuTensor,
  h0: GpuTensor,
  weight_ih: GpuTensor,
  weight_hh: GpuTensor,
  bias_ih: GpuTensor,
  bias_hh: GpuTensor,
) {
  const sizes = validateGruForwardCourse(x, h0, weight_ih, weight_hh, bias_ih, bias_hh);
  return gruTwinForward(GRU_COURSE, sizes, x, h0, weight_ih, weight_hh, bias_ih, bias_hh);
}

export const gruForwardCourseBackward = (dh: GpuTensor, cache: GruTwinCache) => gruTwinBackward(dh, cache);
