import type { ResampleGeometry } from '../reference/resampling';
import { type Kernel, opKernels } from './runtime/kernel';

/**
 * What the twins of upsample_nearest and upsample_bilinear share (sizes and steps in
 * reference/resampling.ts). Forward kernels run one invocation per output element, which reads its
 * source pixels. Backward kernels run one per input element, which gathers the gradient of every
 * output element that reads it: it visits the output rows and columns whose source coordinate can
 * fall near it (`readers`, a superset) and keeps those whose source pixels include it, recomputed
 * exactly as in the forward. No float atomics; each sum has a fixed order.
 */
const RESAMPLE_UNIFORMS = { H: 'u32', W: 'u32', Ho: 'u32', Wo: 'u32', stepH: 'f32', stepW: 'f32' } as const;

export const resampleFields = (H: number, W: number, g: ResampleGeometry) => ({ H, W, Ho: g.Ho, Wo: g.Wo, stepH: g.rows.step, stepW: g.cols.step });

/**
 * WGSL: the output indices [lo, hi) along an axis whose source coordinate step·d + offset lies
 * within one pixel of input index v, widened by one index on each side against rounding (and by
 * the clamping of sources to the first and last pixel); every index when step = 0.
 */
const READERS = `
fn readers(v: u32, inSize: u32, outSize: u32, step: f32, offset: f32) -> vec2<u32> {
  if (step <= 0.0) { return vec2<u32>(0u, outSize); }
  let lo = select(i32(floor((f32(v) - 1.0 - offset) / step)) - 1, 0, v == 0u);
  let hi = select(i32(ceil((f32(v) + 1.0 - offset) / step)) + 2, i32(outSize), v + 1u == inSize);
  return vec2<u32>(u32(clamp(lo, 0, i32(outSize))), u32(clamp(hi, 0, i32(outSize))));
}`;

/** WGSL prologue of a forward kernel: output element i's row oh, column ow and its plane start `base` in x. */
const OUTPUT_PIXEL = `let oh = (i / u.Wo) % u.Ho;
  let ow = i % u.Wo;
  let base = (i / (u.Ho * u.Wo)) * u.H * u.W;`;

/**
 * WGSL prologue of a backward kernel: input element i's row h, column w, its plane's first output
 * element `outBase`, and the candidate output rows and columns; `offset(step)` is the WGSL source
 * offset of an axis with that step.
 */
const inputPixel = (offset: (step: string) => string) => `let h = (i / u.W) % u.H;
  let w = i % u.W;
  let outBase = (i / (u.H * u.W)) * u.Ho * u.Wo;
  let rows = readers(h, u.H, u.Ho, u.stepH, ${offset('u.stepH')});
  let cols = readers(w, u.W, u.Wo, u.stepW, ${offset('u.stepW')});`;

/** A resampling op's WGSL: its source-pixel helpers, the backward's source offset, and the forward (x → out) and backward (dout → dx) bodies. */
export interface ResampleKernels {
  helpers: string;
  offset: (step: string) => string;
  forward: string;
  backward: string;
}

/** The forward and backward kernels of a resampling op: each body runs after its prologue above, over RESAMPLE_UNIFORMS. */
export function resampleKernels(op: string, { helpers, offset, forward, backward }: ResampleKernels): Record<'forward' | 'backward', Kernel> {
  return opKernels(
    op,
    { uniforms: RESAMPLE_UNIFORMS, helpers },
    {
      forward: { inputs: { x: 'f32' }, outputs: { out: 'f32' }, body: `${OUTPUT_PIXEL}${forward}` },
      backward: { inputs: { dout: 'f32' }, outputs: { dx: 'f32' }, helpers: READERS, body: `${inputPixel(offset)}${backward}` },
    },
  );
}
