import { validateGeneratorLoss } from '../reference/generator_loss';
import { scoreLoss } from './gan';

/** Twin of reference/generator_loss: BCE(fake, 1), non-saturating, through the GAN-loss kernels of accelerated/gan.ts. */
export const { forward: generatorLossForward, backward: generatorLossBackward } = scoreLoss('generator_loss', validateGeneratorLoss, [
  { input: 'logits_fake', term: 'softplus(-s)', slope: 'sigmoid(s) - 1.0' },
]);
