import { requireLossGradient } from '../../reference/classification';
import { numel } from '../../reference/tensor';
import { release, type GpuTensor } from './buffers';
import type { Field } from './kernel';
import { pointwise } from './pointwise';
import { sumAll } from './reduce';

/**
 * Scalar losses that are a scaled sum of per-element (or per-sample) terms, used across docs/ops.md
 * "Generative, style, self-supervised, misc" (BCE, GAN/LSGAN, KL, content, style, TV, triplet, DQN):
 * one kernel writes `terms[i]` (one invocation per term, no shared memory: nothing is reused),
 * then the shared barrier-free tree reduction sums them and applies `scale` in its last pass.
 * Gradients of such losses are pointwise too: `lossGradient` runs one invocation per element with
 * `g` = dloss[0] in scope.
 */
export interface TermsKernel {
  name: string;
  inputs: Record<string, GpuTensor>;
  count: number;
  /** WGSL that assigns terms[i]. */
  body: string;
  uniforms?: Record<string, Field>;
  functions?: string;
}

export function sumOfTerms(spec: TermsKernel, scale: number): GpuTensor {
  const gpu = Object.values(spec.inputs)[0].gpu;
  const { terms } = pointwise(gpu, { ...spec, name: `${spec.name}:terms`, outputs: { terms: { shape: [spec.count] } } });
  const loss = sumAll(terms, scale);
  release(terms);
  return loss;
}

export interface GradientKernel {
  /** The op's name: names the pipeline and a wrong-shaped dloss's error. */
  name: string;
  inputs: Record<string, GpuTensor>;
  dloss: GpuTensor;
  /** Gradient tensors written, by name, each of shape `shape`. */
  grads: readonly string[];
  shape: readonly number[];
  /** WGSL that assigns each grad at i, with `g` = dloss[0]. */
  body: string;
  uniforms?: Record<string, Field>;
  functions?: string;
}

export function lossGradient(spec: GradientKernel): Record<string, GpuTensor> {
  requireLossGradient(spec.name, spec.dloss);
  const count = numel(spec.shape);
  return pointwise(spec.dloss.gpu, {
    name: `${spec.name}:grad`,
    inputs: { ...spec.inputs, dloss: spec.dloss },
    outputs: Object.fromEntries(spec.grads.map((k) => [k, { shape: spec.shape }])),
    uniforms: spec.uniforms,
    count,
    functions: spec.functions,
    body: `let g = dloss[0];\n  ${spec.body}`,
  });
}

/**
 * A loss scale·Σᵢ term(i) over the elements i of same-shaped inputs (BCE, KL, content, the GAN
 * losses): the forward is sumOfTerms, the backward lossGradient with `scale` and `g` = dloss[0] in
 * scope. `setup` validates the forward's arguments (with the reference's checks) and names the
 * input tensors as the WGSL reads them.
 */
export interface ElementwiseLoss<Args extends unknown[], Grad extends string> {
  /** The op's name: names the pipelines and a wrong-shaped dloss's error. */
  name: string;
  setup: (...args: Args) => { inputs: Record<string, GpuTensor>; scale: number };
  /** WGSL expression of term i, from the inputs at i. */
  term: string;
  /** WGSL expression of each gradient at i. */
  grads: Readonly<Record<Grad, string>>;
  /** WGSL functions that term and grads call. */
  functions?: string;
}

export interface ElementwiseLossCache {
  inputs: Record<string, GpuTensor>;
  scale: number;
}

/** The forward and backward twin of an ElementwiseLoss. */
export function elementwiseLoss<Args extends unknown[], Grad extends string>(spec: ElementwiseLoss<Args, Grad>) {
  const { name, functions } = spec;
  const shapeOf = (inputs: Record<string, GpuTensor>) => Object.values(inputs)[0].shape;
  return {
    forward(...args: Args): { loss: GpuTensor; cache: ElementwiseLossCache } {
      const { inputs, scale } = spec.setup(...args);
      const loss = sumOfTerms({ name, inputs, count: numel(shapeOf(inputs)), functions, body: `terms[i] = ${spec.term};` }, scale);
      return { loss, cache: { inputs, scale } };
    },
    backward(dloss: GpuTensor, { inputs, scale }: ElementwiseLossCache): Record<Grad, GpuTensor> {
      const grads = Object.entries<string>(spec.grads);
      return lossGradient({
        name,
        inputs,
        dloss,
        grads: grads.map(([grad]) => grad),
        shape: shapeOf(inputs),
        functions,
        uniforms: { scale: ['f32', scale] },
        body: grads.map(([grad, value]) => `${grad}[i] = ${value};`).join('\n  '),
      }) as Record<Grad, GpuTensor>;
    },
  };
}

/**
 * Numerically stable logistic functions in float32. log1p_small(u), u ∈ [0, 1], is log(1 + u)
 * accurate to a few ulps even when 1 + u rounds to 1 (Goldberg's correction log(w)·u / (w − 1),
 * w = 1 + u), so softplus(x) = max(x, 0) + log1p(e^(−|x|)) keeps its tail for |x| up to 1000 and
 * neither overflows; sigmoid goes through e^(−|x|) as well.
 */
export const LOGISTIC_WGSL = `
fn log1p_small(u: f32) -> f32 {
  let w = 1.0 + u;
  if (w == 1.0) { return u; }
  return log(w) * (u / (w - 1.0));
}
fn softplus(x: f32) -> f32 { return max(x, 0.0) + log1p_small(exp(-abs(x))); }
fn sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  if (x >= 0.0) { return 1.0 / (1.0 + e); }
  return e / (1.0 + e);
}`;
