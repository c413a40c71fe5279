import * as twin from '../accelerated/lstm_step';
import * as ref from '../reference/lstm_step';
import { recurrentRow } from './recurrent';

export const lstm_step = recurrentRow('lstm_step', 'lstm', 'step', {
  reference: { forward: ref.lstmStepForward, backward: ref.lstmStepBackward },
  twin: { forward: twin.lstmStepForward, backward: twin.lstmStepBackward },
  validate: ref.validateLstmStep,
});
