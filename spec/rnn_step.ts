import * as twin from '../accelerated/rnn_step';
import * as ref from '../reference/rnn_step';
import { recurrentRow } from './recurrent';

export const rnn_step = recurrentRow('rnn_step', 'rnn', 'step', {
  reference: { forward: ref.rnnStepForward, backward: ref.rnnStepBackward },
  twin: { forward: twin.rnnStepForward, backward: twin.rnnStepBackward },
  validate: ref.validateRnnStep,
});
