import fc from 'fast-check';
import * as twin from '../accelerated/schedules';
import * as ref from '../reference/schedules';
import { tensor } from '../reference/tensor';
import type { Shaped } from '../reference/validate';
import { dim, makeSample, samples } from './harness/arbitraries';
import type { ErrorCase, OpDef, Params, Sample } from './harness/op';
import { forwardOnly, notDifferentiated, type AnyForward } from './optimizers';

/**
 * Rows of the schedule family (reference/schedules.ts, accelerated/schedules.ts): input t, a tensor
 * of step numbers, output `out`, the learning rate at each step; the schedule's settings are params.
 */
const steps = (values: number[]) => tensor([values.length], values);

interface ScheduleSpec {
  id: string;
  /** Drawn params, and the step scale (total_steps, step_size, warmup_steps) around which t is drawn. */
  params: fc.Arbitrary<{ params: Params; horizon: number }>;
  reference: AnyForward;
  twin: AnyForward;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  validate(t: Shaped, params: any): unknown;
  edgeCases: Sample[];
  /** Valid params for the shared error inputs. */
  ok: Params;
  /** The schedule's own bad params. */
  errors: ErrorCase[];
}

/** Steps 0 … 2·horizon (past the end of decaying schedules), with 0 and the horizon itself always included. */
const scheduleSamples = (spec: ScheduleSpec, maxLength: number) =>
  samples(fc.record({ drawn: spec.params, length: dim(1, maxLength) }), ({ drawn: { params, horizon }, length }, rng) => ({
    inputs: { t: steps([0, horizon, ...Array.from({ length }, () => Math.floor(rng() * (2 * horizon + 1)))]) },
    params,
  }));

function scheduleErrors(op: string, ok: Params): ErrorCase[] {
  const t = steps([0, 1, 2]);
  return [
    { title: 'empty t', sample: makeSample({ t: tensor([0]) }, ok), message: `${op}: t: expected a non-empty tensor, got shape [0]` },
    { title: 'negative step', sample: makeSample({ t: steps([0, -1, 2]) }, ok), message: `${op}: t: expected integer steps in [0, 16777215], got -1 at [1]` },
    {
      title: 'fractional step',
      sample: makeSample({ t: steps([0, 1, 2.5]) }, ok),
      message: `${op}: t: expected integer steps in [0, 16777215], got 2.5 at [2]`,
    },
    { title: 'missing base_lr', sample: makeSample({ t }, { ...ok, base_lr: undefined }), message: `${op}: base_lr: expected a number ≥ 0, got undefined` },
    { title: 'negative base_lr', sample: makeSample({ t }, { ...ok, base_lr: -1 }), message: `${op}: base_lr: expected a number ≥ 0, got -1` },
  ];
}

const badParam = (op: string, ok: Params, name: string, value: number | undefined, expected: string): ErrorCase => ({
  title: `${name} = ${value}`,
  sample: makeSample({ t: steps([0, 1, 2]) }, { ...ok, [name]: value }),
  message: `${op}: ${name}: expected ${expected}, got ${value}`,
});

function scheduleRow(spec: ScheduleSpec): OpDef {
  const io = [['t'], ['out']] as const;
  return {
    id: spec.id,
    inputs: [{ name: 't', kind: 'int', differentiable: false }],
    outputs: ['out'],
    reference: forwardOnly(...io, spec.reference),
    twin: forwardOnly(...io, spec.twin),
    validate: ({ t }, params) => void spec.validate(t, params),
    sample: scheduleSamples(spec, 40),
    gradSample: scheduleSamples(spec, 4),
    edgeCases: spec.edgeCases,
    errors: [...scheduleErrors(spec.id, spec.ok), ...spec.errors],
    reasons: notDifferentiated('a learning-rate schedule, not differentiated'),
  };
}

const baseLr = fc.oneof(fc.constantFrom(0.1, 1e-3), fc.double({ min: 1e-4, max: 1, noNaN: true }));
const fraction = fc.oneof(fc.constantFrom(0, 0.1), fc.double({ min: 0, max: 1, noNaN: true }));
const at = (t: number[], params: Params) => makeSample({ t: steps(t) }, params);

export const step_schedule = scheduleRow({
  id: 'step_schedule',
  params: fc
    .record({
      base_lr: baseLr,
      step_size: dim(1, 50),
      gamma: fc.oneof(fc.constantFrom(0.1, 0.5), fc.double({ min: 0.05, max: 1, noNaN: true })),
    })
    .map((params) => ({ params, horizon: 5 * params.step_size })),
  reference: ref.stepScheduleForward,
  twin: twin.stepScheduleForward,
  validate: ref.validateStepSchedule,
  // Either side of each boundary, default gamma 0.1.
  edgeCases: [at([0, 1, 29, 30, 31, 59, 60, 90], { base_lr: 0.1, step_size: 30 }), at([0, 1, 2, 3], { base_lr: 1, step_size: 1, gamma: 0.5 })],
  ok: { base_lr: 0.1, step_size: 10 },
  errors: [
    badParam('step_schedule', { base_lr: 0.1 }, 'step_size', undefined, 'an integer ≥ 1'),
    badParam('step_schedule', { base_lr: 0.1 }, 'step_size', 2.5, 'an integer ≥ 1'),
    badParam('step_schedule', { base_lr: 0.1, step_size: 10 }, 'gamma', 0, 'a number > 0'),
  ],
});

export const cosine_schedule = scheduleRow({
  id: 'cosine_schedule',
  params: fc.record({ base_lr: baseLr, total_steps: dim(1, 500), ratio: fraction }).map(({ base_lr, total_steps, ratio }) => ({
    params: { base_lr, total_steps, min_lr: ratio * base_lr },
    horizon: total_steps,
  })),
  reference: ref.cosineScheduleForward,
  twin: twin.cosineScheduleForward,
  validate: ref.validateCosineSchedule,
  // The start, the middle, the end and past the end (held at min_lr); a one-step schedule.
  edgeCases: [at([0, 25, 50, 100, 150], { base_lr: 0.1, total_steps: 100, min_lr: 0.001 }), at([0, 1, 2], { base_lr: 1, total_steps: 1 })],
  ok: { base_lr: 0.1, total_steps: 100 },
  errors: [
    badParam('cosine_schedule', { base_lr: 0.1 }, 'total_steps', 0, 'an integer ≥ 1'),
    badParam('cosine_schedule', { base_lr: 0.1, total_steps: 10 }, 'min_lr', -0.5, 'a number ≥ 0'),
  ],
});

export const linear_schedule = scheduleRow({
  id: 'linear_schedule',
  params: fc
    .record({ base_lr: baseLr, total_steps: dim(1, 500), end_factor: fraction }, { requiredKeys: ['base_lr', 'total_steps'] })
    .map((params) => ({ params, horizon: params.total_steps })),
  reference: ref.linearScheduleForward,
  twin: twin.linearScheduleForward,
  validate: ref.validateLinearSchedule,
  edgeCases: [at([0, 5, 10, 20], { base_lr: 0.1, total_steps: 10 }), at([0, 3, 4, 8], { base_lr: 1, total_steps: 4, end_factor: 0.25 })],
  ok: { base_lr: 0.1, total_steps: 100 },
  errors: [
    badParam('linear_schedule', { base_lr: 0.1 }, 'total_steps', undefined, 'an integer ≥ 1'),
    badParam('linear_schedule', { base_lr: 0.1, total_steps: 10 }, 'end_factor', -1, 'a number ≥ 0'),
  ],
});

export const inverse_sqrt_schedule = scheduleRow({
  id: 'inverse_sqrt_schedule',
  params: fc
    .record({ base_lr: baseLr, warmup_steps: dim(1, 4000) }, { requiredKeys: ['base_lr'] })
    .map((params) => ({ params, horizon: 4 * (params.warmup_steps ?? 1) })),
  reference: ref.inverseSqrtScheduleForward,
  twin: twin.inverseSqrtScheduleForward,
  validate: ref.validateInverseSqrtSchedule,
  // Default warmup_steps 1: t = 0 and 1 give base_lr; the Transformer's 4000 steps.
  edgeCases: [at([0, 1, 4, 100], { base_lr: 0.1 }), at([0, 3999, 4000, 16000], { base_lr: 1e-3, warmup_steps: 4000 })],
  ok: { base_lr: 0.1 },
  errors: [badParam('inverse_sqrt_schedule', { base_lr: 0.1 }, 'warmup_steps', 0, 'an integer ≥ 1')],
});

export const linear_warmup_schedule = scheduleRow({
  id: 'linear_warmup_schedule',
  params: fc.record({ base_lr: baseLr, warmup_steps: dim(1, 1000) }).map((params) => ({ params, horizon: params.warmup_steps })),
  reference: ref.linearWarmupScheduleForward,
  twin: twin.linearWarmupScheduleForward,
  validate: ref.validateLinearWarmupSchedule,
  edgeCases: [at([0, 1, 5, 9, 10, 11, 100], { base_lr: 0.1, warmup_steps: 10 }), at([0, 1, 2], { base_lr: 1, warmup_steps: 1 })],
  ok: { base_lr: 0.1, warmup_steps: 10 },
  errors: [
    badParam('linear_warmup_schedule', { base_lr: 0.1 }, 'warmup_steps', undefined, 'an integer ≥ 1'),
    badParam('linear_warmup_schedule', { base_lr: 0.1 }, 'warmup_steps', 1.5, 'an integer ≥ 1'),
  ],
});

export const SCHEDULE_ROWS: OpDef[] = [step_schedule, cosine_schedule, linear_schedule, inverse_sqrt_schedule, linear_warmup_schedule];
