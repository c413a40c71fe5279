import { validateGeneratorLoss } from '../reference/generator_loss';
import type { GpuTensor } from './runtime/buffers';
import { type ScoreLossCache, scoreLossBackward, scoreLossForward, type WgslScoreTerm } from './gan';

/** Twin of reference/generator_loss: BCE(fake, 1), non-saturating, through the GAN-loss kernels of accelerated/gan.ts. */
const TERMS: readonly WgslScoreTerm[] = [{ input: 'logits_fake', term: 'softplus(-s)', slope: 'sigmoid(s) - 1.0' }];

export function generatorLossForward(logitsFake: GpuTensor): { loss: GpuTensor; cache: ScoreLossCache } {
  const N = validateGeneratorLoss(logitsFake);
  return scoreLossForward('generator_loss', TERMS, [logitsFake], N);
}

export function generatorLossBackward(dloss: GpuTensor, cache: ScoreLossCache): { dlogits_fake: GpuTensor } {
  return scoreLossBackward('generator_loss', TERMS, dloss, cache) as { dlogits_fake: GpuTensor };
}
