import { validateLsGeneratorLoss } from '../reference/ls_generator_loss';
import { scoreLoss } from './gan';

/** Twin of reference/ls_generator_loss: 0.5·mean((fake − 1)²), through the GAN-loss kernels of accelerated/gan.ts. */
export const { forward: lsGeneratorLossForward, backward: lsGeneratorLossBackward } = scoreLoss('ls_generator_loss', validateLsGeneratorLoss, [
  { input: 'scores_fake', term: '0.5 * (s - 1.0) * (s - 1.0)', slope: 's - 1.0' },
]);
