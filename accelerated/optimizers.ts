import { numel } from '../reference/tensor';
import * as ref from '../reference/optimizers';
import type { GpuTensor } from './runtime/buffers';
import { pointwise, type PointwiseKernel } from './runtime/pointwise';

/**
 * Twins of reference/optimizers (the family file: sgd, sgd_momentum, nesterov, adagrad, rmsprop,
 * adam). Each update is one elementwise kernel (accelerated/runtime/pointwise.ts: one invocation per
 * element of w) that reads w, dw and the state and writes next_w and the next state; the
 * hyper-parameters arrive as f32 uniforms and all arithmetic, bias corrections included, is WGSL.
 * The host only validates (the same checks as the reference) and binds buffers. Inputs are never
 * written: every output is a new buffer.
 */
type Outputs = Record<string, GpuTensor>;

/** One update kernel over w's elements; `state` names the next_<state> outputs besides next_w. */
function update(
  name: string,
  inputs: Record<string, GpuTensor>,
  state: string[],
  hyper: Record<string, number>,
  body: string,
  extraOutputs: PointwiseKernel['outputs'] = {},
  functions?: string,
): Outputs {
  const { w } = inputs;
  const outputs = Object.fromEntries(['w', ...state].map((s) => [`next_${s}`, { shape: w.shape }]));
  const uniforms = Object.fromEntries(Object.entries(hyper).map(([k, v]) => [k, ['f32', v] as const]));
  return pointwise(w.gpu, { name, inputs, outputs: { ...outputs, ...extraOutputs }, uniforms, count: numel(w.shape), body, functions });
}

/** WGSL: the adaptive step shared by adagrad and rmsprop, given `g` and the new `c`. */
const ADAPTIVE_STEP = 'next_cache[i] = c; next_w[i] = w[i] - lr * g / (sqrt(c) + eps);';

export function sgdForward(w: GpuTensor, dw: GpuTensor, params: ref.SgdParams = {}): Outputs {
  return update('sgd', { w, dw }, [], ref.validateSgd(w, dw, params), 'next_w[i] = w[i] - lr * dw[i];');
}

export function sgdMomentumForward(w: GpuTensor, dw: GpuTensor, v: GpuTensor, params: ref.MomentumParams = {}): Outputs {
  return update(
    'sgd_momentum',
    { w, dw, v },
    ['v'],
    ref.validateSgdMomentum(w, dw, v, params),
    `
  let v2 = rho * v[i] - lr * dw[i];
  next_v[i] = v2;
  next_w[i] = w[i] + v2;`,
  );
}

export function nesterovForward(w: GpuTensor, dw: GpuTensor, v: GpuTensor, params: ref.MomentumParams = {}): Outputs {
  return update(
    'nesterov',
    { w, dw, v },
    ['v'],
    ref.validateNesterov(w, dw, v, params),
    `
  let v2 = rho * v[i] - lr * dw[i];
  next_v[i] = v2;
  next_w[i] = w[i] - rho * v[i] + (1.0 + rho) * v2;`,
  );
}

export function adagradForward(w: GpuTensor, dw: GpuTensor, cache: GpuTensor, params: ref.AdagradParams = {}): Outputs {
  return update(
    'adagrad',
    { w, dw, cache },
    ['cache'],
    ref.validateAdagrad(w, dw, cache, params),
    `
  let g = dw[i];
  let c = cache[i] + g * g;
  ${ADAPTIVE_STEP}`,
  );
}

export function rmspropForward(w: GpuTensor, dw: GpuTensor, cache: GpuTensor, params: ref.RmspropParams = {}): Outputs {
  return update(
    'rmsprop',
    { w, dw, cache },
    ['cache'],
    ref.validateRmsprop(w, dw, cache, params),
    `
  let g = dw[i];
  let c = decay * cache[i] + (1.0 - decay) * g * g;
  ${ADAPTIVE_STEP}`,
  );
}

/**
 * t is an i32 scalar; invocation 0 also writes next_t = t + 1. βᵗ is taken by repeated squaring
 * (exact at t = 1, at most 2·log₂t roundings): WGSL's pow (exp2 of log2) is an ulp off near 1,
 * which 1 − βᵗ magnifies a thousandfold for β = 0.999.
 */
const POWER_WGSL = `
fn power(base: f32, exponent: i32) -> f32 {
  var result = 1.0;
  var square = base;
  var rest = exponent;
  while (rest > 0) {
    if ((rest & 1) == 1) { result *= square; }
    square *= square;
    rest >>= 1u;
  }
  return result;
}`;

export function adamForward(w: GpuTensor, dw: GpuTensor, m: GpuTensor, v: GpuTensor, t: GpuTensor, params: ref.AdamParams = {}): Outputs {
  return update(
    'adam',
    { w, dw, m, v, t },
    ['m', 'v'],
    ref.validateAdam(w, dw, m, v, t, params),
    `
  let step = t[0] + 1;
  if (i == 0u) { next_t[0] = step; }
  let g = dw[i];
  let m2 = beta1 * m[i] + (1.0 - beta1) * g;
  let v2 = beta2 * v[i] + (1.0 - beta2) * g * g;
  next_m[i] = m2;
  next_v[i] = v2;
  let m_hat = m2 / (1.0 - power(beta1, step));
  let v_hat = v2 / (1.0 - power(beta2, step));
  next_w[i] = w[i] - lr * m_hat / (sqrt(v_hat) + eps);`,
    { next_t: { shape: [], dtype: 'i32' } },
    POWER_WGSL,
  );
}
