import * as twin from '../accelerated/lstm_forward';
import * as ref from '../reference/lstm_forward';
import { recurrentRow } from './recurrent';

export const lstm_forward = recurrentRow('lstm_forward', 'lstm', 'sequence', {
  reference: { forward: ref.lstmForward, backward: ref.lstmBackward },
  twin: { forward: twin.lstmForward, backward: twin.lstmBackward },
  validate: ref.validateLstmForward,
});
