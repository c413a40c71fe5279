import { numel } from '../reference/tensor';
import * as ref from '../reference/init';
import type { GpuTensor } from './runtime/buffers';
import type { Field } from './runtime/kernel';
import { pointwise } from './runtime/pointwise';
import { RANDOM_WGSL } from './runtime/random';

/**
 * Twins of reference/init (the family file: xavier_uniform, xavier_normal, kaiming_normal). One
 * kernel per initializer, one invocation per element (accelerated/runtime/pointwise.ts), drawing element i
 * from the same counter-based PCG hash as the reference (accelerated/runtime/random.ts); the scale
 * (√(6/(fan_in + fan_out)) …) is computed in the kernel from the fans, which the host reads off
 * w's shape. w itself is not bound: only its shape matters.
 */
function fill(name: string, w: GpuTensor, uniforms: Record<string, Field>, value: string): { out: GpuTensor } {
  const { out } = pointwise(w.gpu, {
    name,
    inputs: {},
    outputs: { out: { shape: w.shape } },
    uniforms,
    count: numel(w.shape),
    functions: RANDOM_WGSL,
    body: `out[i] = ${value};`,
  });
  return { out };
}

/** The two xavier initializers: the same fans, seed and gain; `value` draws element i. */
const xavier =
  (op: 'xavier_uniform' | 'xavier_normal', value: string) =>
  (w: GpuTensor, params: ref.XavierParams = {}): { out: GpuTensor } => {
    const { fan_in, fan_out, seed, gain } = ref.validateXavier(op, w, params);
    return fill(op, w, { seed: ['u32', seed], fan_in: ['u32', fan_in], fan_out: ['u32', fan_out], gain: ['f32', gain] }, value);
  };

export const xavierUniformForward = xavier('xavier_uniform', 'gain * sqrt(6.0 / f32(fan_in + fan_out)) * (2.0 * uniform_at(seed, i) - 1.0)');

export const xavierNormalForward = xavier('xavier_normal', 'gain * sqrt(2.0 / f32(fan_in + fan_out)) * normal_at(seed, i)');

export function kaimingNormalForward(w: GpuTensor, params: ref.KaimingParams = {}): { out: GpuTensor } {
  const { fan, seed, gain } = ref.validateKaiming(w, params);
  return fill('kaiming_normal', w, { seed: ['u32', seed], fan: ['u32', fan], gain: ['f32', gain] }, 'gain / sqrt(f32(fan)) * normal_at(seed, i)');
}
