import type { Shaped } from '../reference/validate';
import type { GpuTensor } from './runtime/buffers';
import { elementwiseLoss, LOGISTIC_WGSL } from './runtime/scalar_loss';

/**
 * Twins of the GAN / LSGAN losses (reference/gan.ts): loss = (1/N) Σ_inputs Σₙ term(sₙ), an
 * elementwise loss (accelerated/runtime/scalar_loss.ts). Forward: one invocation per n adds the
 * terms of every input at n, then the shared tree reduction sums them with scale 1/N. Backward: one
 * invocation per n writes slope(sₙ)·dloss/N for every input. Terms and slopes are WGSL expressions
 * in `s` (softplus / sigmoid from LOGISTIC_WGSL are in scope).
 */
export interface WgslScoreTerm<Input extends string> {
  readonly input: Input;
  readonly term: string;
  readonly slope: string;
}

const functions = (terms: readonly WgslScoreTerm<string>[]): string => `${LOGISTIC_WGSL}
${terms
  .map(
    (t, k) => `fn term_${k}(s: f32) -> f32 { return ${t.term}; }
fn slope_${k}(s: f32) -> f32 { return ${t.slope}; }`,
  )
  .join('\n')}`;

/** The twin of one GAN loss over score vectors named by its terms' inputs; `validate` (the reference's) returns N. */
export function scoreLoss<Scores extends Shaped[], Input extends string>(
  op: string,
  validate: (...scores: Scores) => number,
  terms: readonly WgslScoreTerm<Input>[],
) {
  return elementwiseLoss({
    name: op,
    setup: (...scores: { [K in keyof Scores]: GpuTensor }) => ({
      inputs: Object.fromEntries(terms.map((t, k) => [t.input, scores[k]])),
      scale: 1 / validate(...(scores as unknown as Scores)),
    }),
    functions: functions(terms),
    term: terms.map((t, k) => `term_${k}(${t.input}[i])`).join(' + '),
    grads: Object.fromEntries(terms.map((t, k) => [`d${t.input}`, `slope_${k}(${t.input}[i]) * scale * g`])) as Record<`d${Input}`, string>,
  });
}
