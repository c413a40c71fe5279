import { hyper, requireNonNegative, requireSteps } from './hyperparams';
import { tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireShape, type Shaped } from './validate';

/**
 * Optimizer update rules of docs/ops.md "Optimizers, schedules, initialization", as cs231n's optim.py.
 *
 * One family file: each rule is a few lines, so "one op, one place" holds at the family level —
 * reference/optimizers.ts, accelerated/optimizers.ts and spec/optimizers.ts hold sgd, sgd_momentum,
 * nesterov, adagrad, rmsprop and adam.
 *
 * Every rule takes the parameters w, their gradient dw and the optimizer's state tensors, and returns
 * the next parameters `next_w` and the next state `next_<name>` as new tensors: it updates in place
 * of a copy and never mutates its inputs. Hyper-parameters are params. Adam's step count t is a
 * scalar tensor (shape []) so that it is fed back like the rest of the state. No rule has a backward:
 * an update rule is not differentiated.
 */
export interface SgdParams {
  lr?: number;
}
export interface MomentumParams {
  lr?: number;
  rho?: number;
}
export interface AdagradParams {
  lr?: number;
  eps?: number;
}
export interface RmspropParams {
  lr?: number;
  decay?: number;
  eps?: number;
}
export interface AdamParams {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** w non-empty and finite; dw and every state tensor of w's shape and finite; `squares` also ≥ 0. */
function validateState(op: string, w: Shaped, dw: Shaped, state: Record<string, Shaped>, squares: string[] = []): void {
  requirePositiveSizes(op, 'w', w);
  requireFinite(op, 'w', w);
  for (const [name, t] of [['dw', dw], ...Object.entries(state)] as const) {
    requireShape(op, name, t, w.shape, 'the shape of w');
    requireFinite(op, name, t);
    if (squares.includes(name)) requireNonNegative(op, name, t);
  }
}

const learningRate = (op: string, params: object, fallback: number) => hyper(op, params, 'lr', fallback, { min: 0 });
const fraction = (op: string, params: object, name: string, fallback: number) => hyper(op, params, name, fallback, { min: 0, below: 1 });
const epsilon = (op: string, params: object) => hyper(op, params, 'eps', 1e-8, { above: 0 });

export function validateSgd(w: Shaped, dw: Shaped, params: SgdParams = {}) {
  validateState('sgd', w, dw, {});
  return { lr: learningRate('sgd', params, 1e-2) };
}

export function validateSgdMomentum(w: Shaped, dw: Shaped, v: Shaped, params: MomentumParams = {}, op = 'sgd_momentum') {
  validateState(op, w, dw, { v });
  return { lr: learningRate(op, params, 1e-2), rho: fraction(op, params, 'rho', 0.9) };
}

export const validateNesterov = (w: Shaped, dw: Shaped, v: Shaped, params: MomentumParams = {}) => validateSgdMomentum(w, dw, v, params, 'nesterov');

export function validateAdagrad(w: Shaped, dw: Shaped, cache: Shaped, params: AdagradParams = {}) {
  validateState('adagrad', w, dw, { cache }, ['cache']);
  return { lr: learningRate('adagrad', params, 1e-2), eps: epsilon('adagrad', params) };
}

export function validateRmsprop(w: Shaped, dw: Shaped, cache: Shaped, params: RmspropParams = {}) {
  validateState('rmsprop', w, dw, { cache }, ['cache']);
  return { lr: learningRate('rmsprop', params, 1e-2), decay: fraction('rmsprop', params, 'decay', 0.99), eps: epsilon('rmsprop', params) };
}

export function validateAdam(w: Shaped, dw: Shaped, m: Shaped, v: Shaped, t: Shaped, params: AdamParams = {}) {
  validateState('adam', w, dw, { m, v }, ['v']);
  requireShape('adam', 't', t, [], 'a scalar step count');
  requireSteps('adam', 't', t);
  return {
    lr: learningRate('adam', params, 1e-3),
    beta1: fraction('adam', params, 'beta1', 0.9),
    beta2: fraction('adam', params, 'beta2', 0.999),
    eps: epsilon('adam', params),
  };
}

/** w ← w − lr·dw */
export function sgdForward(w: Tensor, dw: Tensor, params: SgdParams = {}): { next_w: Tensor } {
  const { lr } = validateSgd(w, dw, params);
  const next_w = tensor(w.shape);
  for (let i = 0; i < w.data.length; i++) next_w.data[i] = w.data[i] - lr * dw.data[i];
  return { next_w };
}

/** v ← ρ·v − lr·dw;  w ← w + v */
export function sgdMomentumForward(w: Tensor, dw: Tensor, v: Tensor, params: MomentumParams = {}): { next_w: Tensor; next_v: Tensor } {
  const { lr, rho } = validateSgdMomentum(w, dw, v, params);
  const next_w = tensor(w.shape);
  const next_v = tensor(w.shape);
  for (let i = 0; i < w.data.length; i++) {
    next_v.data[i] = rho * v.data[i] - lr * dw.data[i];
    next_w.data[i] = w.data[i] + next_v.data[i];
  }
  return { next_w, next_v };
}

/** Nesterov momentum in the cs231n notes' form: v ← ρ·v − lr·dw;  w ← w − ρ·v_prev + (1 + ρ)·v */
export function nesterovForward(w: Tensor, dw: Tensor, v: Tensor, params: MomentumParams = {}): { next_w: Tensor; next_v: Tensor } {
  const { lr, rho } = validateNesterov(w, dw, v, params);
  const next_w = tensor(w.shape);
  const next_v = tensor(w.shape);
  for (let i = 0; i < w.data.length; i++) {
    next_v.data[i] = rho * v.data[i] - lr * dw.data[i];
    next_w.data[i] = w.data[i] - rho * v.data[i] + (1 + rho) * next_v.data[i];
  }
  return { next_w, next_v };
}

/** cache ← cache + dw²;  w ← w − lr·dw / (√cache + eps) */
export function adagradForward(w: Tensor, dw: Tensor, cache: Tensor, params: AdagradParams = {}): { next_w: Tensor; next_cache: Tensor } {
  const { lr, eps } = validateAdagrad(w, dw, cache, params);
  const next_w = tensor(w.shape);
  const next_cache = tensor(w.shape);
  for (let i = 0; i < w.data.length; i++) {
    const g = dw.data[i];
    next_cache.data[i] = cache.data[i] + g * g;
    next_w.data[i] = w.data[i] - (lr * g) / (Math.sqrt(next_cache.data[i]) + eps);
  }
  return { next_w, next_cache };
}

/** cache ← decay·cache + (1 − decay)·dw²;  w ← w − lr·dw / (√cache + eps) */
export function rmspropForward(w: Tensor, dw: Tensor, cache: Tensor, params: RmspropParams = {}): { next_w: Tensor; next_cache: Tensor } {
  const { lr, decay, eps } = validateRmsprop(w, dw, cache, params);
  const next_w = tensor(w.shape);
  const next_cache = tensor(w.shape);
  for (let i = 0; i < w.data.length; i++) {
    const g = dw.data[i];
    next_cache.data[i] = decay * cache.data[i] + (1 - decay) * g * g;
    next_w.data[i] = w.data[i] - (lr * g) / (Math.sqrt(next_cache.data[i]) + eps);
  }
  return { next_w, next_cache };
}

/**
 * t ← t + 1 (before use);  m ← β1·m + (1 − β1)·dw;  v ← β2·v + (1 − β2)·dw²;
 * m̂ = m / (1 − β1ᵗ);  v̂ = v / (1 − β2ᵗ);  w ← w − lr·m̂ / (√v̂ + eps)
 */
export function adamForward(
  w: Tensor,
  dw: Tensor,
  m: Tensor,
  v: Tensor,
  t: Tensor,
  params: AdamParams = {},
): { next_w: Tensor; next_m: Tensor; next_v: Tensor; next_t: Tensor } {
  const { lr, beta1, beta2, eps } = validateAdam(w, dw, m, v, t, params);
  const step = t.data[0] + 1;
  const next_w = tensor(w.shape);
  const next_m = tensor(w.shape);
  const next_v = tensor(w.shape);
  for (let i = 0; i < w.data.length; i++) {
    const g = dw.data[i];
    next_m.data[i] = beta1 * m.data[i] + (1 - beta1) * g;
    next_v.data[i] = beta2 * v.data[i] + (1 - beta2) * g * g;
    const mHat = next_m.data[i] / (1 - beta1 ** step);
    const vHat = next_v.data[i] / (1 - beta2 ** step);
    next_w.data[i] = w.data[i] - (lr * mHat) / (Math.sqrt(vHat) + eps);
  }
  return { next_w, next_m, next_v, next_t: tensor([], [step]) };
}
