import * as twin from '../accelerated/lstm_forward';
import * as ref from '../reference/lstm_forward';
import { recurrentRow } from './recurrent';

export const lstm_forward = recurrentRow('lstm_forward', 'lstm', 'sequence', {
  reference: { forward: ref.lstmForwardForward, backward: ref.lstmForwardBackward },
  twin: { forward: twin.lstmForwardForward, backward: twin.lstmForwardBackward },
  validate: ref.validateLstmForward,
});
