import { afterAll, describe, expect, it } from 'vitest';
import { read, release, upload, type GpuTensor } from '../accelerated/runtime/buffers';
import { getGpu, releaseGpu } from '../accelerated/runtime/device';
import * as twinInit from '../accelerated/init';
import * as twinOpt from '../accelerated/optimizers';
import * as init from '../reference/init';
import * as opt from '../reference/optimizers';
import { makeRng, randnTensor } from '../reference/rng';
import * as sched from '../reference/schedules';
import { tensor, type Tensor } from '../reference/tensor';
import { compare, describe as describeComparison, type Tolerance } from './harness/tolerance';

/**
 * Checks of docs/ops.md "Optimizers, schedules, initialization" beyond the table's per-case checks:
 * - every reference update against a hand-rolled loop written here from the course formula, over
 *   STEPS steps with the state fed back;
 * - every twin update against the reference over STEPS steps, each feeding back its own state;
 * - the initializers' distributions: mean, std (and range) of a large seeded sample against theory;
 * - a few schedule values known by hand.
 */
afterAll(releaseGpu);

const STEPS = 60;
const SHAPE = [7, 9];
const HYPER = { lr: 0.05, rho: 0.9, decay: 0.99, eps: 1e-8, beta1: 0.9, beta2: 0.999 };

/** The gradient of each step: a seeded random sequence, the same for every implementation. */
const gradients = Array.from({ length: STEPS }, (_, k) => randnTensor(SHAPE, makeRng(`optimizer-gradient:${k}`)));
const w0 = randnTensor(SHAPE, makeRng('optimizer-w0'));
const zeros = () => tensor(SHAPE);

type State = Record<string, Tensor>;

interface Rule {
  id: string;
  init: () => State;
  /** The reference update on the state (w included), returning the next state under the same names. */
  reference(s: State, dw: Tensor): State;
  /** The course formula, elementwise on plain numbers, written independently of reference/. */
  course(s: Record<string, number[]>, dw: number[]): void;
  twin(s: Record<string, GpuTensor>, dw: GpuTensor): Record<string, GpuTensor>;
}

/** { next_w, next_v } → { w, v }: the next state under the names of the state. */
const strip = <T>(next: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(next).map(([k, v]) => [k.replace(/^next_/, ''), v]));

const { lr, rho, decay, eps, beta1, beta2 } = HYPER;

const RULES: Rule[] = [
  {
    id: 'sgd',
    init: () => ({ w: w0 }),
    reference: (s, dw) => strip(opt.sgdForward(s.w, dw, { lr })),
    course: (s, dw) => {
      for (let i = 0; i < dw.length; i++) s.w[i] -= lr * dw[i];
    },
    twin: (s, dw) => strip(twinOpt.sgdForward(s.w, dw, { lr })),
  },
  {
    id: 'sgd_momentum',
    init: () => ({ w: w0, v: zeros() }),
    reference: (s, dw) => strip(opt.sgdMomentumForward(s.w, dw, s.v, { lr, rho })),
    course: (s, dw) => {
      for (let i = 0; i < dw.length; i++) {
        s.v[i] = rho * s.v[i] - lr * dw[i];
        s.w[i] += s.v[i];
      }
    },
    twin: (s, dw) => strip(twinOpt.sgdMomentumForward(s.w, dw, s.v, { lr, rho })),
  },
  {
    id: 'nesterov',
    init: () => ({ w: w0, v: zeros() }),
    reference: (s, dw) => strip(opt.nesterovForward(s.w, dw, s.v, { lr, rho })),
    course: (s, dw) => {
      for (let i = 0; i < dw.length; i++) {
        const vPrev = s.v[i];
        s.v[i] = rho * s.v[i] - lr * dw[i];
        s.w[i] += -rho * vPrev + (1 + rho) * s.v[i];
      }
    },
    twin: (s, dw) => strip(twinOpt.nesterovForward(s.w, dw, s.v, { lr, rho })),
  },
  {
    id: 'adagrad',
    init: () => ({ w: w0, cache: zeros() }),
    reference: (s, dw) => strip(opt.adagradForward(s.w, dw, s.cache, { lr, eps })),
    course: (s, dw) => {
      for (let i = 0; i < dw.length; i++) {
        s.cache[i] += dw[i] ** 2;
        s.w[i] += (-lr * dw[i]) / (Math.sqrt(s.cache[i]) + eps);
      }
    },
    twin: (s, dw) => strip(twinOpt.adagradForward(s.w, dw, s.cache, { lr, eps })),
  },
  {
    id: 'rmsprop',
    init: () => ({ w: w0, cache: zeros() }),
    reference: (s, dw) => strip(opt.rmspropForward(s.w, dw, s.cache, { lr, decay, eps })),
    course: (s, dw) => {
      for (let i = 0; i < dw.length; i++) {
        s.cache[i] = decay * s.cache[i] + (1 - decay) * dw[i] ** 2;
        s.w[i] += (-lr * dw[i]) / (Math.sqrt(s.cache[i]) + eps);
      }
    },
    twin: (s, dw) => strip(twinOpt.rmspropForward(s.w, dw, s.cache, { lr, decay, eps })),
  },
  {
    id: 'adam',
    init: () => ({ w: w0, m: zeros(), v: zeros(), t: tensor([], [0]) }),
    reference: (s, dw) => strip(opt.adamForward(s.w, dw, s.m, s.v, s.t, { lr, beta1, beta2, eps })),
    course: (s, dw) => {
      s.t[0] += 1;
      const t = s.t[0];
      for (let i = 0; i < dw.length; i++) {
        s.m[i] = beta1 * s.m[i] + (1 - beta1) * dw[i];
        s.v[i] = beta2 * s.v[i] + (1 - beta2) * dw[i] * dw[i];
        const mt = s.m[i] / (1 - Math.pow(beta1, t));
        const vt = s.v[i] / (1 - Math.pow(beta2, t));
        s.w[i] += (-lr * mt) / (Math.sqrt(vt) + eps);
      }
    },
    twin: (s, dw) => strip(twinOpt.adamForward(s.w, dw, s.m, s.v, s.t, { lr, beta1, beta2, eps })),
  },
];

const expectClose = (name: string, actual: Tensor, expected: Tensor, tol: Tolerance) => {
  const c = compare(name, actual, expected, tol);
  expect(c.ok, describeComparison(c, tol)).toBe(true);
};

describe.each(RULES.map((r) => [r.id, r] as const))('%s', (_, rule) => {
  it(`reference matches the course formula, hand-rolled, over ${STEPS} steps`, () => {
    let state = rule.init();
    const course = Object.fromEntries(Object.entries(state).map(([k, t]) => [k, Array.from(t.data)]));
    for (const dw of gradients) {
      const previous = state;
      const before = Object.fromEntries(Object.entries(state).map(([k, t]) => [k, Array.from(t.data)]));
      state = rule.reference(state, dw);
      rule.course(course, Array.from(dw.data));
      for (const k of Object.keys(course)) {
        expect(state[k].shape, k).toEqual(previous[k].shape);
        expect(Array.from(state[k].data), k).toEqual(course[k].map((x) => expect.closeTo(x, 12)));
        // The step's inputs are untouched: the reference updates in place of a copy.
        expect(Array.from(previous[k].data), k).toEqual(before[k]);
      }
    }
  });

  it(`twin matches the reference over ${STEPS} steps, each feeding back its own state`, async () => {
    const gpu = await getGpu();
    let state = rule.init();
    const kinds = (k: string) => (k === 't' ? 'i32' : 'f32');
    let device: Record<string, GpuTensor> = Object.fromEntries(Object.entries(state).map(([k, t]) => [k, upload(gpu, t, kinds(k))]));
    for (const dw of gradients) {
      state = rule.reference(state, dw);
      const dwGpu = upload(gpu, dw);
      const next = rule.twin(device, dwGpu);
      release(dwGpu, ...Object.values(device));
      device = next;
    }
    // float32 rounding accumulates over the steps (the gradients do not depend on w, so it grows
    // no faster than linearly): 60 steps of ~1e-7 relative on O(1) values.
    const tol = { atol: 1e-4, rtol: 1e-4 };
    for (const [k, t] of Object.entries(device)) expectClose(k, await read(t), state[k], tol);
    release(...Object.values(device));
  });
});

describe('initializer distributions (seeded samples against theory)', () => {
  /** Mean within 5 standard errors of 0; std within 1% (5 standard errors at this size) of `std`. */
  function expectMoments(t: Tensor, std: number) {
    const n = t.data.length;
    const mean = t.data.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(t.data.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    expect(Math.abs(mean)).toBeLessThan((5 * std) / Math.sqrt(n));
    expect(Math.abs(sd / std - 1)).toBeLessThan(0.01);
    return { mean, sd };
  }

  const affine = tensor([400, 300]); // fan_in 400, fan_out 300: 120,000 values
  const conv = tensor([64, 32, 3, 3]); // fan_in 288, fan_out 576: 18,432 values

  it('xavier_uniform: within ±√(6/(fan_in + fan_out)), std limit/√3', () => {
    const limit = Math.sqrt(6 / 700);
    const { out } = init.xavierUniformForward(affine, { seed: 1 });
    expectMoments(out, limit / Math.sqrt(3));
    expect(Math.max(...out.data.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...out.data.map(Math.abs))).toBeGreaterThan(0.999 * limit);
  });

  it('xavier_normal: std √(2/(fan_in + fan_out)), about 68.3% within one std', () => {
    const std = Math.sqrt(2 / 700);
    const { out } = init.xavierNormalForward(affine, { seed: 2 });
    expectMoments(out, std);
    const within = out.data.filter((x) => Math.abs(x) < std).length / out.data.length;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.007);
  });

  it('kaiming_normal: std √2/√fan_in (and fan_out mode) on affine and conv weights', () => {
    expectMoments(init.kaimingNormalForward(affine, { seed: 3 }).out, Math.SQRT2 / Math.sqrt(400));
    const conv2 = tensor([128, 64, 3, 3]); // 73,728 values
    expectMoments(init.kaimingNormalForward(conv2, { seed: 4 }).out, Math.SQRT2 / Math.sqrt(64 * 9));
    expectMoments(init.kaimingNormalForward(conv2, { seed: 4, mode: 'fan_out' }).out, Math.SQRT2 / Math.sqrt(128 * 9));
    expect(init.fans(conv.shape)).toEqual({ fan_in: 288, fan_out: 576 });
  });

  it('different seeds are uncorrelated; the same seed repeats', () => {
    const a = init.xavierNormalForward(affine, { seed: 5 }).out.data;
    const b = init.xavierNormalForward(affine, { seed: 6 }).out.data;
    const dot = a.reduce((s, x, i) => s + x * b[i], 0);
    const norm = Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));
    expect(Math.abs(dot / norm)).toBeLessThan(5 / Math.sqrt(a.length));
    expect(init.xavierNormalForward(affine, { seed: 5 }).out.data).toEqual(a);
  });

  it('the twin draws the same 120,000 numbers as the reference', async () => {
    const gpu = await getGpu();
    const w = upload(gpu, affine);
    for (const [reference, twin] of [
      [init.xavierUniformForward, twinInit.xavierUniformForward],
      [init.xavierNormalForward, twinInit.xavierNormalForward],
      [init.kaimingNormalForward, twinInit.kaimingNormalForward],
    ] as const) {
      const { out } = twin(w, { seed: 7 });
      expectClose('out', await read(out), reference(affine, { seed: 7 }).out, { atol: 1e-5, rtol: 1e-4 });
      release(out);
    }
    release(w);
  });
});

describe('schedules at hand-computed steps', () => {
  const t = tensor([5], [0, 30, 60, 100, 200]);
  const values = (out: Tensor) => Array.from(out.data).map((x) => expect.closeTo(x, 12));
  it('step, cosine, linear, inverse square root, linear warm-up', () => {
    expect(values(sched.stepScheduleForward(t, { base_lr: 0.1, step_size: 30 }).out)).toEqual([0.1, 0.01, 0.001, 0.0001, 1e-7]);
    expect(values(sched.cosineScheduleForward(t, { base_lr: 1, total_steps: 60, min_lr: 0.5 }).out)).toEqual([1, 0.75, 0.5, 0.5, 0.5]);
    expect(values(sched.linearScheduleForward(t, { base_lr: 1, total_steps: 100 }).out)).toEqual([1, 0.7, 0.4, 0, 0]);
    expect(values(sched.inverseSqrtScheduleForward(t, { base_lr: 1, warmup_steps: 25 }).out)).toEqual([
      1,
      Math.sqrt(25 / 30),
      Math.sqrt(25 / 60),
      0.5,
      Math.sqrt(1 / 8),
    ]);
    expect(values(sched.linearWarmupScheduleForward(t, { base_lr: 2, warmup_steps: 60 }).out)).toEqual([0, 1, 2, 2, 2]);
  });
});
