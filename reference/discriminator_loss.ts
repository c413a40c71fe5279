import { type ScoreLossCache, scoreLossBackward, scoreLossForward, type ScoreTerm, validateScores } from './gan';
import { sigmoid, softplus } from './generative';
import type { Tensor } from './tensor';
import type { Shaped } from './validate';

/** Per-score terms and their slopes (reference/gan.ts sums them). */
export const DISCRIMINATOR_TERMS: readonly ScoreTerm[] = [
  { input: 'logits_real', term: (s) => softplus(-s), slope: (s) => sigmoid(s) - 1 },
  { input: 'logits_fake', term: (s) => softplus(s), slope: (s) => sigmoid(s) },
];

/** logits_real, logits_fake: score vectors (N) of one length, non-empty and finite. Returns N. */
export function validateDiscriminatorLoss(logitsReal: Shaped, logitsFake: Shaped): number {
  return validateScores('discriminator_loss', DISCRIMINATOR_TERMS, [logitsReal, logitsFake]);
}

/**
 * BCE(real, 1) + BCE(fake, 0), each a mean over N, in the stable softplus form:
 *   loss = (1/N) Σₙ log(1 + e^(−realₙ)) + log(1 + e^(fakeₙ))
 */
export function discriminatorLossForward(logitsReal: Tensor, logitsFake: Tensor): { loss: Tensor; cache: ScoreLossCache } {
  return scoreLossForward('discriminator_loss', DISCRIMINATOR_TERMS, [logitsReal, logitsFake]);
}

/** d/d realₙ = (σ(realₙ) − 1)/N · dloss, d/d fakeₙ = σ(fakeₙ)/N · dloss */
export function discriminatorLossBackward(dloss: Tensor, cache: ScoreLossCache): { dlogits_real: Tensor; dlogits_fake: Tensor } {
  return scoreLossBackward('discriminator_loss', DISCRIMINATOR_TERMS, dloss, cache) as { dlogits_real: Tensor; dlogits_fake: Tensor };
}
