import * as twin from '../accelerated/sigmoid';
import * as ref from '../reference/sigmoid';
import { activationRow } from './activations';

export const sigmoid = activationRow({
  id: 'sigmoid',
  reference: [ref.sigmoidForward, ref.sigmoidBackward],
  twin: [twin.sigmoidForward, twin.sigmoidBackward],
  validate: ref.validateSigmoid,
});
