import * as twin from '../accelerated/gru_forward_course';
import * as ref from '../reference/gru_forward_course';
import { gruRow } from './gru';

/**
 * The deeplearning.ai GRU: gru_forward's inputs, layout and gate order r, z, n, but the reset gate
 * scales the hidden state before the matmul: n = tanh(W_in x + b_in + W_hn (r·h) + b_hn)
 * (PyTorch's nn.GRU applies it after: r·(W_hn h + b_hn)); h' = (1 − z)·n + z·h.
 */
export const gru_forward_course = gruRow('gru_forward_course', {
  reference: { forward: ref.gruForwardCourseForward, backward: ref.gruForwardCourseBackward },
  twin: { forward: twin.gruForwardCourseForward, backward: twin.gruForwardCourseBackward },
  validate: ref.validateGruForwardCourse,
});
