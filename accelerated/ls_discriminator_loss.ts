import { validateLsDiscriminatorLoss } from '../reference/ls_discriminator_loss';
import type { GpuTensor } from './runtime/buffers';
import { type ScoreLossCache, scoreLossBackward, scoreLossForward, type WgslScoreTerm } from './gan';

/** Twin of reference/ls_discriminator_loss: 0.5·mean((real − 1)²) + 0.5·mean(fake²), through the GAN-loss kernels of accelerated/gan.ts. */
const TERMS: readonly WgslScoreTerm[] = [
  { input: 'scores_real', term: '0.5 * (s - 1.0) * (s - 1.0)', slope: 's - 1.0' },
  { input: 'scores_fake', term: '0.5 * s * s', slope: 's' },
];

export function lsDiscriminatorLossForward(scoresReal: GpuTensor, scoresFake: GpuTensor): { loss: GpuTensor; cache: ScoreLossCache } {
  const N = validateLsDiscriminatorLoss(scoresReal, scoresFake);
  return scoreLossForward('ls_discriminator_loss', TERMS, [scoresReal, scoresFake], N);
}

export function lsDiscriminatorLossBackward(dloss: GpuTensor, cache: ScoreLossCache): { dscores_real: GpuTensor; dscores_fake: GpuTensor } {
  return scoreLossBackward('ls_discriminator_loss', TERMS, dloss, cache) as { dscores_real: GpuTensor; dscores_fake: GpuTensor };
}
