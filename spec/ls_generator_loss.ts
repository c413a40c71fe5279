import * as twin from '../accelerated/ls_generator_loss';
import * as ref from '../reference/ls_generator_loss';
import { scoreLossRow } from './gan';

export const ls_generator_loss = scoreLossRow({
  id: 'ls_generator_loss',
  inputs: ['scores_fake'],
  reference: [ref.lsGeneratorLossForward, ref.lsGeneratorLossBackward],
  twin: [twin.lsGeneratorLossForward, twin.lsGeneratorLossBackward],
  validate: ref.validateLsGeneratorLoss,
  scale: 1,
});
