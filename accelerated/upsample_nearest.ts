import { requireResampledGrad, type ResampleGeometry, type ResampleParams } from '../reference/resampling';
import { validateUpsampleNearest } from '../reference/upsample_nearest';
import { empty, type GpuTensor } from './buffers';
import { gridKernel, launchGrid } from './grid_kernel';
import { inputPixel, OUTPUT_PIXEL, READERS, RESAMPLE_UNIFORMS, resampleFields } from './resampling';

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

/** One invocation per output element copies its source pixel. */
const forwardKernel = gridKernel('upsample_nearest:forward', [{ name: 'x' }, { name: 'out', write: true }], RESAMPLE_UNIFORMS, NEAREST_SOURCE, `${OUTPUT_PIXEL}
  out[i] = x[base + nearestSource(oh, u.H, u.Ho, u.stepH) * u.W + nearestSource(ow, u.W, u.Wo, u.stepW)];`);

/** One invocation per input element sums dout over the output pixels that copy it. */
const backwardKernel = gridKernel('upsample_nearest:backward', [{ name: 'dout' }, { name: 'dx', write: true }], RESAMPLE_UNIFORMS, `${NEAREST_SOURCE}${READERS}`, `${inputPixel(() => '0.0')}
  var s = 0.0;
  for (var r = rows.x; r < rows.y; r++) {
    if (nearestSource(r, u.H, u.Ho, u.stepH) != h) { continue; }
    for (var c = cols.x; c < cols.y; c++) {
      if (nearestSource(c, u.W, u.Wo, u.stepW) == w) { s += dout[outBase + r * u.Wo + c]; }
    }
  }
  dx[i] = s;`);

export function upsampleNearestForward(x: GpuTensor, params: ResampleParams): { out: GpuTensor; cache: UpsampleNearestCache } {
  const geometry = validateUpsampleNearest(x, params);
  const { N, C, Ho, Wo } = geometry;
  const out = empty(x.gpu, [N, C, Ho, Wo]);
  launchGrid(x.gpu, forwardKernel, [x.buffer, out.buffer], resampleFields(x.shape[2], x.shape[3], geometry), N * C * Ho * Wo);
  return { out, cache: { shape: x.shape, geometry } };
}

export function upsampleNearestBackward(dout: GpuTensor, cache: UpsampleNearestCache): { dx: GpuTensor } {
  const { shape, geometry } = cache;
  const [N, C, H, W] = shape;
  requireResampledGrad('upsample_nearest', dout, geometry);
  const dx = empty(dout.gpu, shape);
  launchGrid(dout.gpu, backwardKernel, [dout.buffer, dx.buffer], resampleFields(H, W, geometry), N * C * H * W);
  return { dx };
}
