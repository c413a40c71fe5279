import * as twin from '../accelerated/discriminator_loss';
import * as ref from '../reference/discriminator_loss';
import { scoreLossRow } from './gan';

export const discriminator_loss = scoreLossRow({
  id: 'discriminator_loss',
  inputs: ['logits_real', 'logits_fake'],
  reference: [ref.discriminatorLossForward, ref.discriminatorLossBackward],
  twin: [twin.discriminatorLossForward, twin.discriminatorLossBackward],
  validate: ref.validateDiscriminatorLoss,
  scale: 5,
});
