import { GRU_COURSE } from '../reference/gru_forward_course';
import { gruTwinOp } from './gru';

/** Twin of reference/gru_forward_course (reset before the hidden matmul): kernels and tiling in gru.ts. */
export const { forward: gruForwardCourseForward, backward: gruForwardCourseBackward } = gruTwinOp(GRU_COURSE);
