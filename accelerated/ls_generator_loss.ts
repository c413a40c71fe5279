import { validateLsGeneratorLoss } from '../reference/ls_generator_loss';
import type { GpuTensor } from './runtime/buffers';
import { type ScoreLossCache, scoreLossBackward, scoreLossForward, type WgslScoreTerm } from './gan';

/** Twin of reference/ls_generator_loss: 0.5·mean((fake − 1)²), through the GAN-loss kernels of accelerated/gan.ts. */
const TERMS: readonly WgslScoreTerm[] = [{ input: 'scores_fake', term: '0.5 * (s - 1.0) * (s - 1.0)', slope: 's - 1.0' }];

export function lsGeneratorLossForward(scoresFake: GpuTensor): { loss: GpuTensor; cache: ScoreLossCache } {
  const N = validateLsGeneratorLoss(scoresFake);
  return scoreLossForward('ls_generator_loss', TERMS, [scoresFake], N);
}

export function lsGeneratorLossBackward(dloss: GpuTensor, cache: ScoreLossCache): { dscores_fake: GpuTensor } {
  return scoreLossBackward('ls_generator_loss', TERMS, dloss, cache) as { dscores_fake: GpuTensor };
}
