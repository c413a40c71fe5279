import { makeRng, randnTensor } from '../../reference/rng';
import { clone, formatIndex, type Tensor, type Tensors } from '../../reference/tensor';
import { differentiableInputs, differentiatedOutputs, type Impl, type Sample, type Signature } from './op';
import { GRADCHECK_THRESHOLD } from './tolerance';

/**
 * Numerical gradient check, as cs231n's gradient_check.py: for a random upstream gradient dout,
 * the analytic gradient of f = Σ_outputs Σ out·dout (over the row's gradOutputs, default all)
 * must match centered differences
 *   ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h,  h = 1e-5, float64,
 * with rel_error = max_i |a − n| / max(1e-8, |a| + |n|) below 1e-7. The difference is taken per
 * output element before the dot with dout, which keeps round-off near machine precision.
 *
 * Round-off floor: the quotient itself carries round-off up to ε·Σ_k (|out⁺_k| + |out⁻_k|)·|dout_k| / 2h
 * (summed over the outputs the step changed), and never less than ε·max_k |dout_k| / 2h: an output
 * computed from unit-scale inputs is only known to about ε even where it cancels to 0 (softmax_loss
 * with one class: loss 0, true gradient 0, a correct backward may return 1e-13 of round-off). Where
 * |a − n| is within that bound the two agree as closely as float64 differences can tell, and the
 * element counts as rel_error 0; without this an element whose true gradient is ~1e-6 (or 0) would
 * fail on round-off alone. A wrong gradient is off by far more than the bound (the meta-tests in
 * checker.test.ts show it is caught).
 */
export const STEP = 1e-5;

export interface GradcheckWorst {
  input: string;
  index: string;
  numeric: number;
  analytic: number;
  relError: number;
}

export interface GradcheckResult {
  ok: boolean;
  relError: number;
  /** Per differentiable input, its max rel_error. */
  perInput: Record<string, number>;
  worst?: GradcheckWorst;
}

/** Random upstream gradients, one per output, from a seed. */
export function randomDouts(outputs: Tensors, seed: number): Tensors {
  const rng = makeRng(`dout:${seed}`);
  return Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, randnTensor(t.shape, rng)]));
}

export const relError = (a: number, n: number): number => Math.abs(a - n) / Math.max(1e-8, Math.abs(a) + Math.abs(n));

export function gradcheck(row: Signature, impl: Impl<Tensor>, sample: Sample, seed: number, threshold = GRADCHECK_THRESHOLD): GradcheckResult {
  if (!impl.backward) throw new Error(`${row.id}: gradcheck needs a backward`);
  const inputs: Tensors = Object.fromEntries(Object.entries(sample.inputs).map(([k, t]) => [k, clone(t)]));
  const { outputs, cache } = impl.forward(inputs, sample.params);
  const douts = randomDouts(differentiatedOutputs(row, outputs), seed);
  const grads = impl.backward(douts, cache);

  /** The objective's round-off at unit scale: ε·max |dout|, the least any evaluation of Σ out·dout carries. */
  const unitRoundoff = Number.EPSILON * Object.values(douts).reduce((m, d) => d.data.reduce((a, v) => Math.max(a, Math.abs(v)), m), 0);

  /** Σ (out⁺ − out⁻)·dout and its round-off bound: Σ (|out⁺| + |out⁻|)·|dout|·ε over changed outputs, at least unitRoundoff. */
  const objectiveDifference = (plus: Tensors, minus: Tensors): { diff: number; roundoff: number } => {
    let diff = 0;
    let roundoff = unitRoundoff;
    for (const [name, dout] of Object.entries(douts)) {
      const p = plus[name].data;
      const m = minus[name].data;
      for (let i = 0; i < dout.data.length; i++) {
        if (p[i] === m[i]) continue;
        diff += (p[i] - m[i]) * dout.data[i];
        roundoff += (Math.abs(p[i]) + Math.abs(m[i])) * Math.abs(dout.data[i]) * Number.EPSILON;
      }
    }
    return { diff, roundoff };
  };

  const result: GradcheckResult = { ok: true, relError: 0, perInput: {} };
  for (const name of differentiableInputs(row, inputs)) {
    const x = inputs[name];
    const analytic = grads[`d${name}`];
    if (!analytic) throw new Error(`${row.id}: backward returned no d${name}`);
    let worstHere = 0;
    for (let i = 0; i < x.data.length; i++) {
      const { plus, minus } = bothSides(x, i, STEP, () => impl.forward(inputs, sample.params).outputs);
      const { diff, roundoff } = objectiveDifference(plus, minus);
      const numeric = diff / (2 * STEP);
      const withinRoundoff = Math.abs(analytic.data[i] - numeric) <= roundoff / (2 * STEP);
      const err = withinRoundoff ? 0 : relError(analytic.data[i], numeric);
      worstHere = Math.max(worstHere, err);
      if (!result.worst || err > result.worst.relError) {
        result.worst = { input: name, index: formatIndex(i, x.shape), numeric, analytic: analytic.data[i], relError: err };
      }
    }
    result.perInput[name] = worstHere;
    result.relError = Math.max(result.relError, worstHere);
  }
  result.ok = result.relError < threshold;
  return result;
}

/** "rel_error 3.1e-2 ≥ 1e-7 at dw[2, 0]: numeric 0.5, analytic 1" */
export function describeGradcheck(r: GradcheckResult, threshold = GRADCHECK_THRESHOLD): string {
  if (!r.worst) return 'no differentiable input';
  const { input, index, numeric, analytic } = r.worst;
  const verdict = r.ok ? `< ${threshold}` : `≥ ${threshold}`;
  return `rel_error ${r.relError.toExponential(2)} ${verdict}, worst at d${input}${index}: numeric ${numeric}, analytic ${analytic}`;
}

/**
 * The two sides of a centered difference: `f` evaluated with x.data[i] moved by +h, then by −h, in
 * place (so f may close over x); x.data[i] is restored afterwards, also when f throws.
 */
export function bothSides<R>(x: Tensor, i: number, h: number, f: () => R): { plus: R; minus: R } {
  const original = x.data[i];
  try {
    x.data[i] = original + h;
    const plus = f();
    x.data[i] = original - h;
    return { plus, minus: f() };
  } finally {
    x.data[i] = original;
  }
}

/**
 * The models' check: the largest rel_error, per parameter, between `grads` (named d<param>) and
 * centered differences of the scalar full loss, `loss(params)` re-evaluated with each element of
 * each parameter moved by ±h in place. Models keep their tiny instances away from kinks. The
 * round-off floor is gradcheck's for one scalar output: an element whose analytic and numeric
 * values differ by at most ε·(|L⁺| + |L⁻|)/2h counts as agreeing.
 */
export function modelGradcheck(
  lossAndGrads: (params: Record<string, Tensor>) => { loss: Tensor; grads: Record<string, Tensor> },
  params: Record<string, Tensor>,
): Record<string, number> {
  const { grads } = lossAndGrads(params);
  const loss = () => lossAndGrads(params).loss.data[0];
  return Object.fromEntries(
    Object.entries(params).map(([name, p]) => {
      const grad = grads[`d${name}`];
      if (!grad) throw new Error(`modelGradcheck: the model returned no gradient d${name} for its parameter ${name}`);
      let worst = 0;
      for (let i = 0; i < p.data.length; i++) {
        const { plus, minus } = bothSides(p, i, STEP, loss);
        const numeric = (plus - minus) / (2 * STEP);
        const roundoff = ((Math.abs(plus) + Math.abs(minus)) * Number.EPSILON) / (2 * STEP);
        if (Math.abs(grad.data[i] - numeric) > roundoff) worst = Math.max(worst, relError(grad.data[i], numeric));
      }
      return [name, worst];
    }),
  );
}
