import { numel } from '../reference/tensor';
import * as ref from '../reference/schedules';
import type { Shaped } from '../reference/validate';
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
/** Step counts arrive as u32, the other hyper-parameters as f32. */
const STEP_COUNTS = ['step_size', 'total_steps', 'warmup_steps'];

/** The twin of one schedule: `validate` (the reference's) gives its hyper-parameters, `lr` is its WGSL formula. */
function schedule<Params>(name: string, validate: (t: Shaped, params: Params) => Record<string, number>, lr: string, functions?: string) {
  return (t: GpuTensor, params: Params): { out: GpuTensor } => {
    const hyper = Object.entries(validate(t, params));
    const { out } = pointwise(t.gpu, {
      name,
      inputs: { t },
      outputs: { out: { shape: t.shape } },
      uniforms: Object.fromEntries(hyper.map(([k, v]): [string, Field] => [k, [STEP_COUNTS.includes(k) ? 'u32' : 'f32', v]])),
      count: numel(t.shape),
      functions,
      body: `let s = u32(t[i]); out[i] = ${lr};`,
    });
    return { out };
  };
}

export const stepScheduleForward = schedule('step_schedule', ref.validateStepSchedule, 'base_lr * pow(gamma, f32(s / step_size))');

export const cosineScheduleForward = schedule(
  'cosine_schedule',
  ref.validateCosineSchedule,
  'min_lr + (base_lr - min_lr) * squared_cos(0.5 * f32(min(s, total_steps)) / f32(total_steps))',
  `${COS_PI_WGSL}\nfn squared_cos(x: f32) -> f32 { let c = cos_pi(x); return c * c; }`,
);

export const linearScheduleForward = schedule(
  'linear_schedule',
  ref.validateLinearSchedule,
  'base_lr * (1.0 - (1.0 - end_factor) * f32(min(s, total_steps)) / f32(total_steps))',
);

export const inverseSqrtScheduleForward = schedule(
  'inverse_sqrt_schedule',
  ref.validateInverseSqrtSchedule,
  'base_lr * sqrt(f32(warmup_steps) / f32(max(s, warmup_steps)))',
);

export const linearWarmupScheduleForward = schedule(
  'linear_warmup_schedule',
  ref.validateLinearWarmupSchedule,
  'base_lr * min(1.0, f32(s) / f32(warmup_steps))',
);
