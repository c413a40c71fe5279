import type { GpuTensor } from './runtime/buffers';
import { LOGISTIC_WGSL, lossGradient, sumOfTerms } from './runtime/scalar_loss';

/**
 * Twins of the GAN / LSGAN losses (reference/gan.ts): loss = (1/N) Σ_inputs Σₙ term(sₙ). Forward:
 * one invocation per n adds the terms of every input at n, then the shared tree reduction sums them
 * with scale 1/N. Backward: one invocation per n writes slope(sₙ)·dloss/N for every input. Terms and
 * slopes are WGSL expressions in `s` (softplus / sigmoid from LOGISTIC_WGSL are in scope).
 */
export interface WgslScoreTerm {
  readonly input: string;
  readonly term: string;
  readonly slope: string;
}

export interface ScoreLossCache {
  scores: GpuTensor[];
}

const functions = (terms: readonly WgslScoreTerm[]): string => `${LOGISTIC_WGSL}
${terms
  .map(
    (t, k) => `fn term_${k}(s: f32) -> f32 { return ${t.term}; }
fn slope_${k}(s: f32) -> f32 { return ${t.slope}; }`,
  )
  .join('\n')}`;

const named = (terms: readonly WgslScoreTerm[], scores: readonly GpuTensor[]): Record<string, GpuTensor> =>
  Object.fromEntries(terms.map((t, k) => [t.input, scores[k]]));

export function scoreLossForward(op: string, terms: readonly WgslScoreTerm[], scores: GpuTensor[], N: number): { loss: GpuTensor; cache: ScoreLossCache } {
  const loss = sumOfTerms(
    {
      name: op,
      inputs: named(terms, scores),
      count: N,
      functions: functions(terms),
      body: `terms[i] = ${terms.map((t, k) => `term_${k}(${t.input}[i])`).join(' + ')};`,
    },
    1 / N,
  );
  return { loss, cache: { scores } };
}

export function scoreLossBackward(op: string, terms: readonly WgslScoreTerm[], dloss: GpuTensor, cache: ScoreLossCache): Record<string, GpuTensor> {
  const N = cache.scores[0].shape[0];
  return lossGradient({
    name: op,
    inputs: named(terms, cache.scores),
    dloss,
    grads: terms.map((t) => `d${t.input}`),
    shape: [N],
    functions: functions(terms),
    uniforms: { inv_n: ['f32', 1 / N] },
    body: terms.map((t, k) => `d${t.input}[i] = slope_${k}(${t.input}[i]) * inv_n * g;`).join('\n  '),
  });
}
