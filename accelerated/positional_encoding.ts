import { validatePositionalEncoding, type PositionalEncodingParams } from '../reference/positional_encoding';
import type { GpuTensor } from './runtime/buffers';
import { COS_PI_WGSL } from './runtime/cos_pi';
import { pointwise } from './runtime/pointwise';

/**
 * Twin of reference/positional_encoding on positions (T) i32. Tiling: one invocation per entry
 * (t, c) of the (T, E) table, no shared memory (nothing to reuse). WGSL's sin/cos are too coarse
 * (SwiftShader's err by ~1e-4), so the kernel works in half-turns: x = p·10000^(−2i/E)/π, reduced to
 * [−1, 1] (exactly), then cos_pi (accelerated/runtime/cos_pi.ts), with sin(πx) = cos(π(x − ½)). x itself
 * carries a few float32 ulps, an absolute error that grows with the position p (the row's
 * tolerance says how).
 */
export function positionalEncodingForward(positions: GpuTensor, params: PositionalEncodingParams): { out: GpuTensor; cache: undefined } {
  const { T, E } = validatePositionalEncoding(positions, params);
  const { out } = pointwise(positions.gpu, {
    name: 'positional_encoding',
    inputs: { positions },
    outputs: { out: { shape: [T, E] } },
    uniforms: { E: ['u32', E] },
    count: T * E,
    functions: COS_PI_WGSL,
    body: `
  let c = i % E;
  let even = c - c % 2u;
  let x = f32(positions[i / E]) * exp(-f32(even) / f32(E) * ${Math.log(10000)} - ${Math.log(Math.PI)});
  let phase = select(x, x - 0.5, c % 2u == 0u);
  out[i] = cos_pi(phase - 2.0 * round(phase / 2.0));`,
  });
  return { out, cache: undefined };
}
