import * as twin from '../accelerated/tanh';
import * as ref from '../reference/tanh';
import { activationRow } from './activations';

export const tanh = activationRow({
  id: 'tanh',
  reference: [ref.tanhForward, ref.tanhBackward],
  twin: [twin.tanhForward, twin.tanhBackward],
  validate: ref.validateTanh,
});
