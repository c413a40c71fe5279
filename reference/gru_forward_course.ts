import { gruSequenceBackward, gruSequenceForward, validateGru, type GruCache, type GruGrads, type GruOptions } from './gru';
import type { Tensor } from './tensor';
import type { Shaped } from './validate';

export const GRU_COURSE: GruOptions = { op: 'gru_forward_course', resetBeforeMatmul: true };

/** x (N, T, D), h0 (N, H), weight_ih (3H, D), weight_hh (3H, H), bias_ih, bias_hh (3H). */
export const validateGruForwardCourse = (x: Shaped, h0: Shaped, weight_ih: Shaped, weight_hh: Shaped, bias_ih: Shaped, bias_hh: Shaped) =>
  validateGru(GRU_COURSE.op, x, h0, weight_ih, weight_hh, bias_ih, bias_hh);

/**
 * The deeplearning.ai GRU: gru_forward's inputs and gate order r, z, n, but the reset gate scales the
 * hidden state before the matmul:
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + W_hn (r·h) + b_hn);  h' = (1 − z)·n + z·h
 * (loops and BPTT in reference/gru.ts)
 */
export function gruForwardCourseForward(
  x: Tensor,
  h0: Tensor,
  weight_ih: Tensor,
  weight_hh: Tensor,
  bias_ih: Tensor,
  bias_hh: Tensor,
): { h: Tensor; cache: GruCache } {
  return gruSequenceForward(GRU_COURSE, x, h0, weight_ih, weight_hh, bias_ih, bias_hh);
}

/** Backpropagation through time → dx, dh0, dweight_ih, dweight_hh, dbias_ih, dbias_hh. */
export function gruForwardCourseBackward(dh: Tensor, cache: GruCache): GruGrads {
  return gruSequenceBackward(dh, cache);
}
