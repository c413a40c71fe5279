import type { PoolGeometry } from '../reference/pooling';
import { type Kernel, opKernels, type OwnSpec } from './runtime/kernel';

/**
 * What the twins of max_pool2d and avg_pool2d share (windows in reference/pooling.ts). Forward
 * kernels run one invocation per output element, which walks its window; backward kernels one per
 * input element, which walks the windows covering it and gathers their gradients, so overlapping
 * windows need no float atomics and every sum has a fixed order.
 */
const POOL_UNIFORMS = { H: 'u32', W: 'u32', Ho: 'u32', Wo: 'u32', ph: 'u32', pw: 'u32', stride: 'u32' } as const;

export const poolFields = ({ H, W, Ho, Wo, ph, pw, stride }: PoolGeometry) => ({ H, W, Ho, Wo, ph, pw, stride });

/** WGSL: the range [first, last) of windows along an axis that cover input index v. */
const COVERING_WINDOWS = `
fn coveringWindows(v: u32, pool: u32, stride: u32, outSize: u32) -> vec2<u32> {
  let first = select(0u, (v + 1u - pool + stride - 1u) / stride, v + 1u > pool); // ⌈(v − pool + 1) / stride⌉
  return vec2<u32>(first, min(v / stride + 1u, outSize));
}`;

/**
 * WGSL prologue of a forward kernel: the output element i's plane start `base` in x and the x offset
 * `corner` of its window's top-left element.
 */
const WINDOW_OF_OUTPUT = `let plane = i / (u.Ho * u.Wo);
  let oh = (i / u.Wo) % u.Ho;
  let ow = i % u.Wo;
  let base = plane * u.H * u.W;
  let corner = base + oh * u.stride * u.W + ow * u.stride;`;

/**
 * WGSL prologue of a backward kernel: input element i's row h and column w, the first output
 * element of its plane `outBase`, and the covering windows `rows` × `cols`.
 */
const WINDOWS_OF_INPUT = `let plane = i / (u.H * u.W);
  let h = (i / u.W) % u.H;
  let w = i % u.W;
  let outBase = plane * u.Ho * u.Wo;
  let rows = coveringWindows(h, u.ph, u.stride, u.Ho);
  let cols = coveringWindows(w, u.pw, u.stride, u.Wo);`;

/** The forward and backward kernels of a pooling op: each body runs after its prologue above, over POOL_UNIFORMS. */
export function poolKernels(op: string, { forward, backward }: Record<'forward' | 'backward', OwnSpec>): Record<'forward' | 'backward', Kernel> {
  return opKernels(
    op,
    { uniforms: POOL_UNIFORMS },
    {
      forward: { ...forward, body: `${WINDOW_OF_OUTPUT}${forward.body}` },
      backward: { ...backward, helpers: `${COVERING_WINDOWS}${backward.helpers ?? ''}`, body: `${WINDOWS_OF_INPUT}${backward.body}` },
    },
  );
}
