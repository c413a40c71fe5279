import * as twin from '../accelerated/generator_loss';
import * as ref from '../reference/generator_loss';
import { scoreLossRow } from './gan';

export const generator_loss = scoreLossRow({
  id: 'generator_loss',
  inputs: ['logits_fake'],
  reference: [ref.generatorLossForward, ref.generatorLossBackward],
  twin: [twin.generatorLossForward, twin.generatorLossBackward],
  validate: ref.validateGeneratorLoss,
  scale: 5,
});
