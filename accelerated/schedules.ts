import { numel } from '../reference/tensor';
import * as ref from '../reference/schedules';
import type { GpuTensor } from './runtime/buffers';
import type { Field } from './runtime/kernel';
import { COS_PI_WGSL } from './runtime/cos_pi';
import { pointwise } from './runtime/pointwise';

/**
 * Twins of reference/schedules (the family file). One kernel per schedule, one invocation per step
 * number (accelerated/runtime/pointwise.ts); t arrives as i32, the hyper-parameters as uniforms, and the
 * schedule's formula is evaluated in WGSL with `s` = the step as u32. The cosine schedule uses
 * (1 + cos πx)/2 = cos²(πx/2) with the accurate cos_pi (accelerated/runtime/cos_pi.ts), which keeps the
 * values near min_lr at the end of the schedule accurate.
 */
const f = (v: number): Field => ['f32', v];
const u = (v: number): Field => ['u32', v];

function schedule(name: string, t: GpuTensor, uniforms: Record<string, Field>, lr: string, functions?: string): { out: GpuTensor } {
  const { out } = pointwise(t.gpu, {
    name,
    inputs: { t },
    outputs: { out: { shape: t.shape } },
    uniforms,
    count: numel(t.shape),
    functions,
    body: `let s = u32(t[i]); out[i] = ${lr};`,
  });
  return { out };
}

export function stepScheduleForward(t: GpuTensor, params: ref.StepScheduleParams): { out: GpuTensor } {
  const { base_lr, step_size, gamma } = ref.validateStepSchedule(t, params);
  return schedule('step_schedule', t, { base_lr: f(base_lr), step_size: u(step_size), gamma: f(gamma) }, 'base_lr * pow(gamma, f32(s / step_size))');
}

export function cosineScheduleForward(t: GpuTensor, params: ref.CosineScheduleParams): { out: GpuTensor } {
  const { base_lr, total_steps, min_lr } = ref.validateCosineSchedule(t, params);
  return schedule(
    'cosine_schedule',
    t,
    { base_lr: f(base_lr), total_steps: u(total_steps), min_lr: f(min_lr) },
    'min_lr + (base_lr - min_lr) * squared_cos(0.5 * f32(min(s, total_steps)) / f32(total_steps))',
    `${COS_PI_WGSL}\nfn squared_cos(x: f32) -> f32 { let c = cos_pi(x); return c * c; }`,
  );
}

export function linearScheduleForward(t: GpuTensor, params: ref.LinearScheduleParams): { out: GpuTensor } {
  const { base_lr, total_steps, end_factor } = ref.validateLinearSchedule(t, params);
  return schedule(
    'linear_schedule',
    t,
    { base_lr: f(base_lr), total_steps: u(total_steps), end_factor: f(end_factor) },
    'base_lr * (1.0 - (1.0 - end_factor) * f32(min(s, total_steps)) / f32(total_steps))',
  );
}

export function inverseSqrtScheduleForward(t: GpuTensor, params: ref.InverseSqrtScheduleParams): { out: GpuTensor } {
  const { base_lr, warmup_steps } = ref.validateInverseSqrtSchedule(t, params);
  return schedule(
    'inverse_sqrt_schedule',
    t,
    { base_lr: f(base_lr), warmup_steps: u(warmup_steps) },
    'base_lr * sqrt(f32(warmup_steps) / f32(max(s, warmup_steps)))',
  );
}

export function linearWarmupScheduleForward(t: GpuTensor, params: ref.LinearWarmupScheduleParams): { out: GpuTensor } {
  const { base_lr, warmup_steps } = ref.validateLinearWarmupSchedule(t, params);
  return schedule('linear_warmup_schedule', t, { base_lr: f(base_lr), warmup_steps: u(warmup_steps) }, 'base_lr * min(1.0, f32(s) / f32(warmup_steps))');
}
