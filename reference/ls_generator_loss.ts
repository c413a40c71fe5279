import { type ScoreLossCache, scoreLossBackward, scoreLossForward, type ScoreTerm, validateScores } from './gan';
import type { Tensor } from './tensor';
import type { Shaped } from './validate';

/** Per-score terms and their slopes (reference/gan.ts sums them). */
export const LS_GENERATOR_TERMS: readonly ScoreTerm[] = [{ input: 'scores_fake', term: (s) => 0.5 * (s - 1) ** 2, slope: (s) => s - 1 }];

/** scores_fake: score vectors (N) of one length, non-empty and finite. Returns N. */
export function validateLsGeneratorLoss(scoresFake: Shaped): number {
  return validateScores('ls_generator_loss', LS_GENERATOR_TERMS, [scoresFake]);
}

/** Least-squares GAN generator loss 0.5·mean((fake − 1)²). */
export function lsGeneratorLossForward(scoresFake: Tensor): { loss: Tensor; cache: ScoreLossCache } {
  return scoreLossForward('ls_generator_loss', LS_GENERATOR_TERMS, [scoresFake]);
}

/** d/d fakeₙ = (fakeₙ − 1)/N · dloss */
export function lsGeneratorLossBackward(dloss: Tensor, cache: ScoreLossCache): { dscores_fake: Tensor } {
  return scoreLossBackward('ls_generator_loss', LS_GENERATOR_TERMS, dloss, cache) as { dscores_fake: Tensor };
}
