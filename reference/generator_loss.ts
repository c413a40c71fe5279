import { type ScoreLossCache, scoreLossBackward, scoreLossForward, type ScoreTerm, validateScores } from './gan';
import { sigmoid, softplus } from './generative';
import type { Tensor } from './tensor';
import type { Shaped } from './validate';

/** Per-score terms and their slopes (reference/gan.ts sums them). */
export const GENERATOR_TERMS: readonly ScoreTerm[] = [{ input: 'logits_fake', term: (s) => softplus(-s), slope: (s) => sigmoid(s) - 1 }];

/** logits_fake: score vectors (N) of one length, non-empty and finite. Returns N. */
export function validateGeneratorLoss(logitsFake: Shaped): number {
  return validateScores('generator_loss', GENERATOR_TERMS, [logitsFake]);
}

/** Non-saturating generator loss BCE(fake, 1) = (1/N) Σₙ log(1 + e^(−fakeₙ)), stable softplus form. */
export function generatorLossForward(logitsFake: Tensor): { loss: Tensor; cache: ScoreLossCache } {
  return scoreLossForward('generator_loss', GENERATOR_TERMS, [logitsFake]);
}

/** d/d fakeₙ = (σ(fakeₙ) − 1)/N · dloss */
export function generatorLossBackward(dloss: Tensor, cache: ScoreLossCache): { dlogits_fake: Tensor } {
  return scoreLossBackward('generator_loss', GENERATOR_TERMS, dloss, cache) as { dlogits_fake: Tensor };
}
