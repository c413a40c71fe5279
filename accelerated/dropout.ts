import { validateDropout, type DropoutParams } from '../reference/dropout';
import { numel } from '../reference/tensor';
import { requireShape } from '../reference/validate';
import type { GpuTensor } from './runtime/buffers';
import { map } from './runtime/elementwise';
import { pointwise } from './runtime/pointwise';
import { RANDOM_WGSL } from './runtime/random';

/**
 * Twin of reference/dropout. Tiling: one invocation per element (pointwise.ts), no shared memory.
 * The forward kernel draws element i's bits from the same counter-based PCG hash as the reference
 * (accelerated/runtime/random.ts) and writes both the mask and out; the backward multiplies by that mask.
 * The drop test is on integers, (bits ≫ 8) < ⌈p·2²⁴⌉, so host and device draw identical masks (a
 * float32 p would round and flip the odd unit). Both the threshold and keep = 1 − p are encodings
 * of p passed as uniforms: 1/(1 − p) from a float32-rounded p would lose all precision as p → 1.
 */
export interface DropoutCache {
  mask: GpuTensor | null;
  /** x's shape, which dout must have. */
  shape: readonly number[];
}

export function dropoutForward(x: GpuTensor, params: DropoutParams = {}): { out: GpuTensor; cache: DropoutCache } {
  const { p, train, seed } = validateDropout(x, params);
  if (!train) return { out: map('dropout_test', 'a', x), cache: { mask: null, shape: x.shape } };
  const { out, mask } = pointwise(x.gpu, {
    name: 'dropout:forward',
    inputs: { x },
    outputs: { out: { shape: x.shape }, mask: { shape: x.shape } },
    uniforms: { seed: ['u32', seed], threshold: ['u32', Math.ceil(p * 2 ** 24)], keep: ['f32', 1 - p] },
    count: numel(x.shape),
    functions: RANDOM_WGSL,
    body: `
  let kept = (random_bits(seed, i) >> 8u) >= threshold;
  mask[i] = select(0.0, 1.0 / keep, kept);
  out[i] = x[i] * mask[i];`,
  });
  return { out, cache: { mask, shape: x.shape } };
}

export function dropoutBackward(dout: GpuTensor, cache: DropoutCache): { dx: GpuTensor } {
  const { mask, shape } = cache;
  requireShape('dropout_backward', 'dout', dout, shape, 'the shape of x');
  return { dx: mask ? map('dropout_backward', 'a * b', dout, mask) : map('dropout_test', 'a', dout) };
}
