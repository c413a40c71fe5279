import { requireResampledGrad, type ResampleGeometry } from '../reference/resampling';
import { validateUpsampleBilinear, type UpsampleBilinearParams } from '../reference/upsample_bilinear';
import { zeros, type GpuTensor } from './runtime/buffers';
import { launch } from './runtime/kernel';
import { resampleFields, resampleKernels } from './resampling';

/** Twin of reference/upsample_bilinear; kernel layout in accelerated/resampling.ts. */
export interface UpsampleBilinearCache {
  shape: readonly number[];
  geometry: ResampleGeometry;
  alignCorners: boolean;
}

/** WGSL: the two source pixels of output index d and their weights; align_corners is baked in. */
const linearTaps = (alignCorners: boolean) => `
struct Taps { i0: u32, i1: u32, l0: f32, l1: f32 }
fn linearTaps(d: u32, inSize: u32, outSize: u32, step: f32) -> Taps {
  if (outSize == inSize) { return Taps(d, d, 1.0, 0.0); }
  let r = ${alignCorners ? 'step * f32(d)' : 'max(step * (f32(d) + 0.5) - 0.5, 0.0)'};
  let i0 = min(u32(floor(r)), inSize - 1u);
  let l1 = r - f32(i0);
  return Taps(i0, min(i0 + 1u, inSize - 1u), 1.0 - l1, l1);
}
fn tapWeight(t: Taps, v: u32) -> f32 {
  return select(0.0, t.l0, t.i0 == v) + select(0.0, t.l1, t.i1 == v);
}`;

/** Both kernels for one align_corners setting, named by it. */
const kernelsFor = (alignCorners: boolean) =>
  resampleKernels(`upsample_bilinear:${alignCorners ? 'corners' : 'centres'}`, {
    helpers: linearTaps(alignCorners),
    offset: (step) => (alignCorners ? '0.0' : `0.5 * ${step} - 0.5`),
    // One invocation per output element blends its four source pixels.
    forward: `
  let ty = linearTaps(oh, u.H, u.Ho, u.stepH);
  let tx = linearTaps(ow, u.W, u.Wo, u.stepW);
  let r0 = base + ty.i0 * u.W;
  let r1 = base + ty.i1 * u.W;
  out[i] = ty.l0 * (tx.l0 * x[r0 + tx.i0] + tx.l1 * x[r0 + tx.i1]) + ty.l1 * (tx.l0 * x[r1 + tx.i0] + tx.l1 * x[r1 + tx.i1]);`,
    // One invocation per input element: Σ over the output pixels reading it of weight·dout.
    backward: `
  var s = 0.0;
  for (var r = rows.x; r < rows.y; r++) {
    let wy = tapWeight(linearTaps(r, u.H, u.Ho, u.stepH), h);
    if (wy == 0.0) { continue; }
    for (var c = cols.x; c < cols.y; c++) {
      s += wy * tapWeight(linearTaps(c, u.W, u.Wo, u.stepW), w) * dout[outBase + r * u.Wo + c];
    }
  }
  dx[i] = s;`,
  });

const KERNELS = { corners: kernelsFor(true), centres: kernelsFor(false) };
const kernels = (alignCorners: boolean) => KERNELS[alignCorners ? 'corners' : 'centres'];

export function upsampleBilinearForward(x: GpuTensor, params: UpsampleBilinearParams): { out: GpuTensor; cache: UpsampleBilinearCache } {
  const { alignCorners, ...geometry } = validateUpsampleBilinear(x, params);
  const { N, C, Ho, Wo } = geometry;
  const out = zeros(x.gpu, [N, C, Ho, Wo]);
  launch(x.gpu, kernels(alignCorners).forward, { x, out }, { count: N * C * Ho * Wo, ...resampleFields(x.shape[2], x.shape[3], geometry) });
  return { out, cache: { shape: x.shape, geometry, alignCorners } };
}

export function upsampleBilinearBackward(dout: GpuTensor, cache: UpsampleBilinearCache): { dx: GpuTensor } {
  const { shape, geometry, alignCorners } = cache;
  const [N, C, H, W] = shape;
  requireResampledGrad('upsample_bilinear', dout, geometry);
  const dx = zeros(dout.gpu, shape);
  launch(dout.gpu, kernels(alignCorners).backward, { dout, dx }, { count: N * C * H * W, ...resampleFields(H, W, geometry) });
  return { dx };
}
