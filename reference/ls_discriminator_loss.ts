import { type ScoreLossCache, scoreLossBackward, scoreLossForward, type ScoreTerm, validateScores } from './gan';
import type { Tensor } from './tensor';
import type { Shaped } from './validate';

/** Per-score terms and their slopes (reference/gan.ts sums them). */
export const LS_DISCRIMINATOR_TERMS: readonly ScoreTerm[] = [
  { input: 'scores_real', term: (s) => 0.5 * (s - 1) ** 2, slope: (s) => s - 1 },
  { input: 'scores_fake', term: (s) => 0.5 * s * s, slope: (s) => s },
];

/** scores_real, scores_fake: score vectors (N) of one length, non-empty and finite. Returns N. */
export function validateLsDiscriminatorLoss(scoresReal: Shaped, scoresFake: Shaped): number {
  return validateScores('ls_discriminator_loss', LS_DISCRIMINATOR_TERMS, [scoresReal, scoresFake]);
}

/** Least-squares GAN discriminator loss 0.5·mean((real − 1)²) + 0.5·mean(fake²). */
export function lsDiscriminatorLossForward(scoresReal: Tensor, scoresFake: Tensor): { loss: Tensor; cache: ScoreLossCache } {
  return scoreLossForward('ls_discriminator_loss', LS_DISCRIMINATOR_TERMS, [scoresReal, scoresFake]);
}

/** d/d realₙ = (realₙ − 1)/N · dloss, d/d fakeₙ = fakeₙ/N · dloss */
export function lsDiscriminatorLossBackward(dloss: Tensor, cache: ScoreLossCache): { dscores_real: Tensor; dscores_fake: Tensor } {
  return scoreLossBackward('ls_discriminator_loss', LS_DISCRIMINATOR_TERMS, dloss, cache) as { dscores_real: Tensor; dscores_fake: Tensor };
}
