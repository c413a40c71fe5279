import { validateDiscriminatorLoss } from '../reference/discriminator_loss';
import { scoreLoss } from './gan';

/** Twin of reference/discriminator_loss: BCE(real, 1) + BCE(fake, 0), through the GAN-loss kernels of accelerated/gan.ts. */
export const { forward: discriminatorLossForward, backward: discriminatorLossBackward } = scoreLoss('discriminator_loss', validateDiscriminatorLoss, [
  { input: 'logits_real', term: 'softplus(-s)', slope: 'sigmoid(s) - 1.0' },
  { input: 'logits_fake', term: 'softplus(s)', slope: 'sigmoid(s)' },
]);
