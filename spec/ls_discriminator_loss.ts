import * as twin from '../accelerated/ls_discriminator_loss';
import * as ref from '../reference/ls_discriminator_loss';
import { scoreLossRow } from './gan';

export const ls_discriminator_loss = scoreLossRow({
  id: 'ls_discriminator_loss',
  inputs: ['scores_real', 'scores_fake'],
  reference: [ref.lsDiscriminatorLossForward, ref.lsDiscriminatorLossBackward],
  twin: [twin.lsDiscriminatorLossForward, twin.lsDiscriminatorLossBackward],
  validate: ref.validateLsDiscriminatorLoss,
  scale: 1,
});
