import { validateDiscriminatorLoss } from '../reference/discriminator_loss';
import type { GpuTensor } from './runtime/buffers';
import { type ScoreLossCache, scoreLossBackward, scoreLossForward, type WgslScoreTerm } from './gan';

/** Twin of reference/discriminator_loss: BCE(real, 1) + BCE(fake, 0), through the GAN-loss kernels of accelerated/gan.ts. */
const TERMS: readonly WgslScoreTerm[] = [
  { input: 'logits_real', term: 'softplus(-s)', slope: 'sigmoid(s) - 1.0' },
  { input: 'logits_fake', term: 'softplus(s)', slope: 'sigmoid(s)' },
];

export function discriminatorLossForward(logitsReal: GpuTensor, logitsFake: GpuTensor): { loss: GpuTensor; cache: ScoreLossCache } {
  const N = validateDiscriminatorLoss(logitsReal, logitsFake);
  return scoreLossForward('discriminator_loss', TERMS, [logitsReal, logitsFake], N);
}

export function discriminatorLossBackward(dloss: GpuTensor, cache: ScoreLossCache): { dlogits_real: GpuTensor; dlogits_fake: GpuTensor } {
  return scoreLossBackward('discriminator_loss', TERMS, dloss, cache) as { dlogits_real: GpuTensor; dlogits_fake: GpuTensor };
}
