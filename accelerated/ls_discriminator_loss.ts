import { validateLsDiscriminatorLoss } from '../reference/ls_discriminator_loss';
import { scoreLoss } from './gan';

/** Twin of reference/ls_discriminator_loss: 0.5·mean((real − 1)²) + 0.5·mean(fake²), through the GAN-loss kernels of accelerated/gan.ts. */
export const { forward: lsDiscriminatorLossForward, backward: lsDiscriminatorLossBackward } = scoreLoss('ls_discriminator_loss', validateLsDiscriminatorLoss, [
  { input: 'scores_real', term: '0.5 * (s - 1.0) * (s - 1.0)', slope: 's - 1.0' },
  { input: 'scores_fake', term: '0.5 * s * s', slope: 's' },
]);
