import { numel } from '../reference/tensor';
import * as ref from '../reference/optimizers';
import type { Shaped } from '../reference/validate';
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

/** The reference validator's arguments with its tensors on the device: the twin's signature. */
type OnDevice<Args extends unknown[]> = { [K in keyof Args]: Args[K] extends Shaped ? GpuTensor : Args[K] };

/** One update kernel over w's elements. */
interface Update {
  /** The tensor arguments, in order: w, dw, then the state. */
  inputs: readonly string[];
  /** The state written as next_<state>, beside next_w. */
  state: readonly string[];
  body: string;
  extraOutputs?: PointwiseKernel['outputs'];
  functions?: string;
}

/** The twin of one optimizer: `validate` (the reference's) checks the arguments and gives the hyper-parameters, f32 uniforms. */
function optimizer<Args extends unknown[]>(name: string, validate: (...args: Args) => Record<string, number>, update: Update) {
  return (...args: OnDevice<Args>): Outputs => {
    const hyper = validate(...(args as Args));
    const inputs = Object.fromEntries(update.inputs.map((input, k) => [input, args[k] as GpuTensor]));
    const { w } = inputs;
    const outputs = Object.fromEntries(['w', ...update.state].map((s) => [`next_${s}`, { shape: w.shape }]));
    const uniforms = Object.fromEntries(Object.entries(hyper).map(([k, v]) => [k, ['f32', v] as const]));
    const { body, extraOutputs, functions } = update;
    return pointwise(w.gpu, { name, inputs, outputs: { ...outputs, ...extraOutputs }, uniforms, count: numel(w.shape), body, functions });
  };
}

/** WGSL: the velocity step shared by sgd_momentum and nesterov, `v2` the new v. */
const MOMENTUM_STEP = `
  let v2 = rho * v[i] - lr * dw[i];
  next_v[i] = v2;`;

/** WGSL: the adaptive step shared by adagrad and rmsprop, given `g` and the new `c`. */
const ADAPTIVE_STEP = 'next_cache[i] = c; next_w[i] = w[i] - lr * g / (sqrt(c) + eps);';

export const sgdForward = optimizer('sgd', ref.validateSgd, { inputs: ['w', 'dw'], state: [], body: 'next_w[i] = w[i] - lr * dw[i];' });

export const sgdMomentumForward = optimizer(
  'sgd_momentum',
  (w: Shaped, dw: Shaped, v: Shaped, params?: ref.MomentumParams) => ref.validateSgdMomentum(w, dw, v, params),
  {
    inputs: ['w', 'dw', 'v'],
    state: ['v'],
    body: `${MOMENTUM_STEP}
  next_w[i] = w[i] + v2;`,
  },
);

export const nesterovForward = optimizer('nesterov', ref.validateNesterov, {
  inputs: ['w', 'dw', 'v'],
  state: ['v'],
  body: `${MOMENTUM_STEP}
  next_w[i] = w[i] - rho * v[i] + (1.0 + rho) * v2;`,
});

export const adagradForward = optimizer('adagrad', ref.validateAdagrad, {
  inputs: ['w', 'dw', 'cache'],
  state: ['cache'],
  body: `
  let g = dw[i];
  let c = cache[i] + g * g;
  ${ADAPTIVE_STEP}`,
});

export const rmspropForward = optimizer('rmsprop', ref.validateRmsprop, {
  inputs: ['w', 'dw', 'cache'],
  state: ['cache'],
  body: `
  let g = dw[i];
  let c = decay * cache[i] + (1.0 - decay) * g * g;
  ${ADAPTIVE_STEP}`,
});

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

export const adamForward = optimizer('adam', ref.validateAdam, {
  inputs: ['w', 'dw', 'm', 'v', 't'],
  state: ['m', 'v'],
  body: `
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
  extraOutputs: { next_t: { shape: [], dtype: 'i32' } },
  functions: POWER_WGSL,
});
