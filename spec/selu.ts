import * as twin from '../accelerated/selu';
import * as ref from '../reference/selu';
import { activationRow } from './activations';

export const selu = activationRow({
  id: 'selu',
  reference: [ref.seluForward, ref.seluBackward],
  twin: [twin.seluForward, twin.seluBackward],
  validate: ref.validateSelu,
  kinkAtZero: { convention: 'at x = 0 the slope is λ·α, the negative side’s (as PyTorch): dx = λ·dout where x > 0, else λ·α·eˣ·dout' },
});
