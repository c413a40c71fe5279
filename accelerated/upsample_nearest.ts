import { requireResampledGrad, type ResampleGeometry, type ResampleParams } from '../reference/resampling';
import { validateUpsampleNearest } from '../reference/upsample_nearest';
import { zeros, type GpuTensor } from './runtime/buffers';
import { launch } from './runtime/kernel';
import { resampleFields, resampleKernels } from './resampling';

/** Twin of reference/upsample_nearest; kernel layout in accelerated/resampling.ts. */
export interface UpsampleNearestCache {
  shape: readonly number[];
  geometry: ResampleGeometry;
}

/** WGSL: PyTorch's source index, in float32 like PyTorch (the step arrives as float32). */
const NEAREST_SOURCE = `
fn nearestSource(d: u32, inSize: u32, outSize: u32, step: f32) -> u32 {
  if (outSize == inSize) { return d; }
  if (outSize == 2u * inSize) { return d >> 1u; }
  return min(u32(floor(f32(d) * step)), inSize - 1u);
}`;

const kernels = resampleKernels('upsample_nearest', {
  helpers: NEAREST_SOURCE,
  offset: () => '0.0',
  // One invocation per output element copies its source pixel.
  forward: `
  out[i] = x[base + nearestSource(oh, u.H, u.Ho, u.stepH) * u.W + nearestSource(ow, u.W, u.Wo, u.stepW)];`,
  // One invocation per input element sums dout over the output pixels that copy it.
  backward: `
  var s = 0.0;
  for (var r = rows.x; r < rows.y; r++) {
    if (nearestSource(r, u.H, u.Ho, u.stepH) != h) { continue; }
    for (var c = cols.x; c < cols.y; c++) {
      if (nearestSource(c, u.W, u.Wo, u.stepW) == w) { s += dout[outBase + r * u.Wo + c]; }
    }
  }
  dx[i] = s;`,
});

export function upsampleNearestForward(x: GpuTensor, params: ResampleParams): { out: GpuTensor; cache: UpsampleNearestCache } {
  const geometry = validateUpsampleNearest(x, params);
  const { N, C, Ho, Wo } = geometry;
  const out = zeros(x.gpu, [N, C, Ho, Wo]);
  launch(x.gpu, kernels.forward, { x, out }, { count: N * C * Ho * Wo, ...resampleFields(x.shape[2], x.shape[3], geometry) });
  return { out, cache: { shape: x.shape, geometry } };
}

export function upsampleNearestBackward(dout: GpuTensor, cache: UpsampleNearestCache): { dx: GpuTensor } {
  const { shape, geometry } = cache;
  const [N, C, H, W] = shape;
  requireResampledGrad('upsample_nearest', dout, geometry);
  const dx = zeros(dout.gpu, shape);
  launch(dout.gpu, kernels.backward, { dout, dx }, { count: N * C * H * W, ...resampleFields(H, W, geometry) });
  return { dx };
}
