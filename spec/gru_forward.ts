import * as twin from '../accelerated/gru_forward';
import * as ref from '../reference/gru_forward';
import { gruRow } from './gru';

/**
 * PyTorch's nn.GRU (batch_first, one layer): gate blocks r, z, n;
 * n = tanh(W_in x + b_in + r·(W_hn h + b_hn)), h' = (1 − z)·n + z·h.
 */
export const gru_forward = gruRow('gru_forward', {
  reference: { forward: ref.gruForward, backward: ref.gruBackward },
  twin: { forward: twin.gruForward, backward: twin.gruBackward },
  validate: ref.validateGruForward,
});
