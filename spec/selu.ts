import * as twin from '../accelerated/selu';
import * as ref from '../reference/selu';
import { activationRow } from './activations';

export const selu = activationRow({
  id: 'selu',
  reference: [ref.seluForward, ref.seluBackward],
  twin: [twin.seluForward, twin.seluBackward],
  validate: ref.validateSelu,
  kinkAtZero: true,
});
