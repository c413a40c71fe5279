import * as twin from '../accelerated/rnn_forward';
import * as ref from '../reference/rnn_forward';
import { recurrentRow } from './recurrent';

export const rnn_forward = recurrentRow('rnn_forward', 'rnn', 'sequence', {
  reference: { forward: ref.rnnForward, backward: ref.rnnBackward },
  twin: { forward: twin.rnnForward, backward: twin.rnnBackward },
  validate: ref.validateRnnForward,
});
