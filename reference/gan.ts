import { lossGradient } from './classification';
import { requireScoreVectors } from './generative';
import { scalar, tensor, type Tensor } from './tensor';
import type { Shaped } from './validate';

/**
 * The GAN and LSGAN losses (discriminator_loss, generator_loss, ls_discriminator_loss,
 * ls_generator_loss) are all loss = (1/N) Σ_inputs Σₙ term(sₙ) over score vectors s (N): each op
 * names its inputs with their per-score term and its derivative (the slope).
 */
export interface ScoreTerm {
  /** Input name, e.g. logits_real. */
  readonly input: string;
  readonly term: (s: number) => number;
  readonly slope: (s: number) => number;
}

export interface ScoreLossCache {
  scores: Tensor[];
}

/** One or two score vectors (N) of one length, non-empty and finite. Returns N. */
export function validateScores(op: string, terms: readonly ScoreTerm[], scores: readonly Shaped[]): number {
  return requireScoreVectors(
    op,
    terms.map((t, k) => [t.input, scores[k]] as const),
  );
}

/** loss = (1/N) Σ_inputs Σₙ term(sₙ) */
export function scoreLossForward(op: string, terms: readonly ScoreTerm[], scores: Tensor[]): { loss: Tensor; cache: ScoreLossCache } {
  const N = validateScores(op, terms, scores);
  let sum = 0;
  terms.forEach((t, k) => {
    for (let n = 0; n < N; n++) sum += t.term(scores[k].data[n]);
  });
  return { loss: scalar(sum / N), cache: { scores } };
}

/** d loss / d sₙ = slope(sₙ) / N · dloss, for each input (keyed `d` + input name). */
export function scoreLossBackward(op: string, terms: readonly ScoreTerm[], dloss: Tensor, cache: ScoreLossCache): Record<string, Tensor> {
  const g = lossGradient(op, dloss);
  const grads: Record<string, Tensor> = {};
  terms.forEach((t, k) => {
    const s = cache.scores[k];
    const N = s.data.length;
    const ds = tensor([N]);
    for (let n = 0; n < N; n++) ds.data[n] = (t.slope(s.data[n]) / N) * g;
    grads[`d${t.input}`] = ds;
  });
  return grads;
}
