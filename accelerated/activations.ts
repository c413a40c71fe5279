import { numel } from '../reference/tensor';
import { requireShape } from '../reference/validate';
import type { GpuTensor } from './runtime/buffers';
import type { Field } from './runtime/kernel';
import { pointwise } from './runtime/pointwise';

/**
 * Twins of the elementwise activations (reference/activations.ts and each op's file): one family
 * of kernels. Tiling: one invocation per element (pointwise.ts), no shared memory — memory-bound
 * with nothing to reuse. Each activation is two WGSL expressions in `v`, one element:
 *   value  f(v),  v = x[i];
 *   slope  f′,    v = the element the forward saved (x, or out for sigmoid and tanh);
 * backward is dx[i] = dout[i]·slope. Params (alpha) arrive as uniforms, so every value of a param
 * shares one pipeline.
 */
export interface Activation {
  op: string;
  value: string;
  slope: string;
  /** The backward's slope is written in terms of the output (saved instead of x). */
  savesOutput?: boolean;
  uniforms?: Record<string, Field>;
}

export interface ActivationCache {
  saved: GpuTensor;
  activation: Activation;
}

/**
 * The family's WGSL functions, each stable over all of f32:
 *   logistic(a) = 1/(1 + e^(−a)), as e/(1 + e) for a < 0 with e = e^(−|a|) (no overflow);
 *   tanh_stable(a) = sign(a)·(1 − e)/(1 + e), e = e^(−2|a|) (no overflow; builtin tanh may give NaN);
 *   normal_cdf(v) = Φ(v) = ½·erfc(−v/√2), with erfc from the Chebyshev fit of Numerical Recipes
 *     (erfcc: fractional error < 1.2e-7 everywhere, i.e. float32 precision, tails included):
 *     erfc(z) = t·exp(−z² − 1.26551223 + t·(1.00002368 + t·(0.37409196 + …))), t = 1/(1 + z/2), z ≥ 0,
 *     and erfc(−z) = 2 − erfc(z);
 *   normal_pdf(v) = φ(v) = e^(−v²/2)/√(2π).
 */
const ACTIVATION_WGSL = `
fn logistic(a: f32) -> f32 {
  let e = exp(-abs(a));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), a >= 0.0);
}
fn tanh_stable(a: f32) -> f32 {
  let e = exp(-2.0 * abs(a));
  return sign(a) * (1.0 - e) / (1.0 + e);
}
fn normal_cdf(v: f32) -> f32 {
  let z = -v * 0.7071067811865476;
  let az = abs(z);
  let t = 1.0 / (1.0 + 0.5 * az);
  let poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let tail = t * exp(-az * az + poly);
  return 0.5 * select(2.0 - tail, tail, z >= 0.0);
}
fn normal_pdf(v: f32) -> f32 { return 0.3989422804014327 * exp(-0.5 * v * v); }
fn gelu_tanh_arg(v: f32) -> f32 { return 0.7978845608028654 * (v + 0.044715 * v * v * v); }
fn gelu_tanh_slope(v: f32) -> f32 {
  let s = logistic(2.0 * gelu_tanh_arg(v));
  return s + 2.0 * v * s * (1.0 - s) * 0.7978845608028654 * (1.0 + 3.0 * 0.044715 * v * v);
}`;

/** One kernel over the first input: `v` is its element i, `expr` the value written to element i. */
function run(activation: Activation, role: 'forward' | 'backward', inputs: Record<string, GpuTensor>, expr: string): GpuTensor {
  const [[name, first]] = Object.entries(inputs);
  const { result } = pointwise(first.gpu, {
    name: `${activation.op}:${role}`,
    inputs,
    outputs: { result: { shape: first.shape } },
    uniforms: activation.uniforms,
    count: numel(first.shape),
    functions: ACTIVATION_WGSL,
    body: `let v = ${name}[i]; result[i] = ${expr};`,
  });
  return result;
}

export function activationForward(activation: Activation, x: GpuTensor): { out: GpuTensor; cache: ActivationCache } {
  const out = run(activation, 'forward', { x }, activation.value);
  return { out, cache: { saved: activation.savesOutput ? out : x, activation } };
}

export function activationBackward(dout: GpuTensor, cache: ActivationCache): { dx: GpuTensor } {
  const { saved, activation } = cache;
  requireShape(`${activation.op}_backward`, 'dout', dout, saved.shape, 'the shape of x');
  return { dx: run(activation, 'backward', { saved, dout }, `dout[i] * (${activation.slope})`) };
}

const SELU = { lambda: '1.0507009873554805', alpha: '1.6732632423543772' };

export const leakyRelu = (alpha: number): Activation => ({
  op: 'leaky_relu',
  value: 'select(alpha * v, v, v > 0.0)',
  slope: 'select(alpha, 1.0, v > 0.0)',
  uniforms: { alpha: ['f32', alpha] },
});

export const elu = (alpha: number): Activation => ({
  op: 'elu',
  value: 'select(alpha * (exp(v) - 1.0), v, v > 0.0)',
  slope: 'select(alpha * exp(v), 1.0, v > 0.0)',
  uniforms: { alpha: ['f32', alpha] },
});

export const selu: Activation = {
  op: 'selu',
  value: `${SELU.lambda} * select(${SELU.alpha} * (exp(v) - 1.0), v, v > 0.0)`,
  slope: `${SELU.lambda} * select(${SELU.alpha} * exp(v), 1.0, v > 0.0)`,
};

/** x·Φ(x);  slope Φ(x) + x·φ(x) */
export const geluExact: Activation = {
  op: 'gelu',
  value: 'v * normal_cdf(v)',
  slope: 'normal_cdf(v) + v * normal_pdf(v)',
};

/**
 * PyTorch's tanh form ½·v·(1 + tanh u), u = √(2/π)·(v + 0.044715·v³), as v·σ(2u) (½·(1 + tanh u) =
 * σ(2u): no cancellation in the left tail); slope s + 2·v·s·(1 − s)·u′ with s = σ(2u).
 */
export const geluTanh: Activation = {
  op: 'gelu',
  value: 'v * logistic(2.0 * gelu_tanh_arg(v))',
  slope: 'gelu_tanh_slope(v)',
};

/** σ(v); the slope from the output s: s·(1 − s). */
export const sigmoid: Activation = {
  op: 'sigmoid',
  value: 'logistic(v)',
  slope: 'v * (1.0 - v)',
  savesOutput: true,
};

/** tanh(v); the slope from the output t: 1 − t². */
export const tanh: Activation = {
  op: 'tanh',
  value: 'tanh_stable(v)',
  slope: '1.0 - v * v',
  savesOutput: true,
};
