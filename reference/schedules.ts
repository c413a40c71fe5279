import { hyper, requireSteps } from './hyperparams';
import { tensor, type Tensor } from './tensor';
import { requirePositiveSizes, type Shaped } from './validate';

/**
 * Learning-rate schedules of docs/ops.md "Optimizers, schedules, initialization": each maps a tensor t
 * of step numbers (whole numbers ≥ 0, any shape) to the learning rate at each step, `out` of t's
 * shape. One family file ("one op, one place" at the family level, as for the optimizers): the
 * schedules are one formula each. Not differentiated.
 *
 *   step_schedule           base_lr·gamma^⌊t / step_size⌋                               (torch StepLR)
 *   cosine_schedule         min_lr + (base_lr − min_lr)·(1 + cos(π·min(t, T)/T)) / 2     (CosineAnnealingLR, held at min_lr after T)
 *   linear_schedule         base_lr·(1 − (1 − end_factor)·min(t, T)/T)                  (LinearLR from factor 1 to end_factor)
 *   inverse_sqrt_schedule   base_lr·√(warmup_steps / max(t, warmup_steps))              (constant until warmup_steps, then ∝ 1/√t)
 *   linear_warmup_schedule  base_lr·min(1, t / warmup_steps)                            (0 at t = 0, base_lr from warmup_steps on)
 */
export interface StepScheduleParams {
  base_lr: number;
  step_size: number;
  gamma?: number;
}
export interface CosineScheduleParams {
  base_lr: number;
  total_steps: number;
  min_lr?: number;
}
export interface LinearScheduleParams {
  base_lr: number;
  total_steps: number;
  end_factor?: number;
}
export interface InverseSqrtScheduleParams {
  base_lr: number;
  warmup_steps?: number;
}
export interface LinearWarmupScheduleParams {
  base_lr: number;
  warmup_steps: number;
}

function validateSteps(op: string, t: Shaped): void {
  requirePositiveSizes(op, 't', t);
  requireSteps(op, 't', t);
}

const baseLr = (op: string, params: object) => hyper(op, params, 'base_lr', undefined, { min: 0 });
const stepCount = (op: string, params: object, name: string, fallback?: number) => hyper(op, params, name, fallback, { min: 1, integer: true });

export function validateStepSchedule(t: Shaped, params: StepScheduleParams) {
  validateSteps('step_schedule', t);
  return {
    base_lr: baseLr('step_schedule', params),
    step_size: stepCount('step_schedule', params, 'step_size'),
    gamma: hyper('step_schedule', params, 'gamma', 0.1, { above: 0 }),
  };
}

export function validateCosineSchedule(t: Shaped, params: CosineScheduleParams) {
  validateSteps('cosine_schedule', t);
  return {
    base_lr: baseLr('cosine_schedule', params),
    total_steps: stepCount('cosine_schedule', params, 'total_steps'),
    min_lr: hyper('cosine_schedule', params, 'min_lr', 0, { min: 0 }),
  };
}

export function validateLinearSchedule(t: Shaped, params: LinearScheduleParams) {
  validateSteps('linear_schedule', t);
  return {
    base_lr: baseLr('linear_schedule', params),
    total_steps: stepCount('linear_schedule', params, 'total_steps'),
    end_factor: hyper('linear_schedule', params, 'end_factor', 0, { min: 0 }),
  };
}

export function validateInverseSqrtSchedule(t: Shaped, params: InverseSqrtScheduleParams) {
  validateSteps('inverse_sqrt_schedule', t);
  return {
    base_lr: baseLr('inverse_sqrt_schedule', params),
    warmup_steps: stepCount('inverse_sqrt_schedule', params, 'warmup_steps', 1),
  };
}

export function validateLinearWarmupSchedule(t: Shaped, params: LinearWarmupScheduleParams) {
  validateSteps('linear_warmup_schedule', t);
  return {
    base_lr: baseLr('linear_warmup_schedule', params),
    warmup_steps: stepCount('linear_warmup_schedule', params, 'warmup_steps'),
  };
}

/** out[i] = lrAt(t[i]) */
function evaluate(t: Tensor, lrAt: (step: number) => number): { out: Tensor } {
  const out = tensor(t.shape);
  for (let i = 0; i < t.data.length; i++) out.data[i] = lrAt(t.data[i]);
  return { out };
}

/** out = base_lr·gamma^⌊t / step_size⌋ (gamma = 0.1) */
export function stepScheduleForward(t: Tensor, params: StepScheduleParams): { out: Tensor } {
  const { base_lr, step_size, gamma } = validateStepSchedule(t, params);
  return evaluate(t, (s) => base_lr * gamma ** Math.floor(s / step_size));
}

/** out = min_lr + (base_lr − min_lr)·(1 + cos(π·min(t, T)/T)) / 2, T = total_steps (min_lr = 0) */
export function cosineScheduleForward(t: Tensor, params: CosineScheduleParams): { out: Tensor } {
  const { base_lr, total_steps, min_lr } = validateCosineSchedule(t, params);
  return evaluate(t, (s) => min_lr + ((base_lr - min_lr) * (1 + Math.cos((Math.PI * Math.min(s, total_steps)) / total_steps))) / 2);
}

/** out = base_lr·(1 − (1 − end_factor)·min(t, T)/T), T = total_steps (end_factor = 0) */
export function linearScheduleForward(t: Tensor, params: LinearScheduleParams): { out: Tensor } {
  const { base_lr, total_steps, end_factor } = validateLinearSchedule(t, params);
  return evaluate(t, (s) => base_lr * (1 - ((1 - end_factor) * Math.min(s, total_steps)) / total_steps));
}

/** out = base_lr·√(warmup_steps / max(t, warmup_steps)) (warmup_steps = 1) */
export function inverseSqrtScheduleForward(t: Tensor, params: InverseSqrtScheduleParams): { out: Tensor } {
  const { base_lr, warmup_steps } = validateInverseSqrtSchedule(t, params);
  return evaluate(t, (s) => base_lr * Math.sqrt(warmup_steps / Math.max(s, warmup_steps)));
}

/** out = base_lr·min(1, t / warmup_steps) */
export function linearWarmupScheduleForward(t: Tensor, params: LinearWarmupScheduleParams): { out: Tensor } {
  const { base_lr, warmup_steps } = validateLinearWarmupSchedule(t, params);
  return evaluate(t, (s) => base_lr * Math.min(1, s / warmup_steps));
}
