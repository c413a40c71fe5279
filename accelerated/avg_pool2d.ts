import { validateAvgPool2d } from '../reference/avg_pool2d';
import { requirePooledGrad, type PoolGeometry, type PoolParams } from '../reference/pooling';
import { empty, type GpuTensor } from './buffers';
import { gridKernel, launchGrid } from './grid_kernel';
import { COVERING_WINDOWS, POOL_UNIFORMS, poolFields, WINDOW_OF_OUTPUT, WINDOWS_OF_INPUT } from './pooling';

/** Twin of reference/avg_pool2d; kernels and their layout in accelerated/pooling.ts. */
export interface AvgPool2dCache {
  geometry: PoolGeometry;
}

/** One invocation per output element: the mean of its window. */
const forwardKernel = gridKernel('avg_pool2d:forward', [{ name: 'x' }, { name: 'out', write: true }], POOL_UNIFORMS, '', `${WINDOW_OF_OUTPUT}
  var s = 0.0;
  for (var kh = 0u; kh < u.ph; kh++) {
    for (var kw = 0u; kw < u.pw; kw++) { s += x[corner + kh * u.W + kw]; }
  }
  out[i] = s / f32(u.ph * u.pw);`);

/** One invocation per input element: Σ dout over the covering windows, over the window size. */
const backwardKernel = gridKernel('avg_pool2d:backward', [{ name: 'dout' }, { name: 'dx', write: true }], POOL_UNIFORMS, COVERING_WINDOWS, `${WINDOWS_OF_INPUT}
  var s = 0.0;
  for (var r = rows.x; r < rows.y; r++) {
    for (var c = cols.x; c < cols.y; c++) { s += dout[outBase + r * u.Wo + c]; }
  }
  dx[i] = s / f32(u.ph * u.pw);`);

export function avgPool2dForward(x: GpuTensor, params: PoolParams): { out: GpuTensor; cache: AvgPool2dCache } {
  const geometry = validateAvgPool2d(x, params);
  const { N, C, Ho, Wo } = geometry;
  const out = empty(x.gpu, [N, C, Ho, Wo]);
  launchGrid(x.gpu, forwardKernel, [x.buffer, out.buffer], poolFields(geometry), N * C * Ho * Wo);
  return { out, cache: { geometry } };
}

export function avgPool2dBackward(dout: GpuTensor, cache: AvgPool2dCache): { dx: GpuTensor } {
  const { geometry } = cache;
  const { N, C, H, W } = geometry;
  requirePooledGrad('avg_pool2d', dout, geometry);
  const dx = empty(dout.gpu, [N, C, H, W]);
  launchGrid(dout.gpu, backwardKernel, [dout.buffer, dx.buffer], poolFields(geometry), N * C * H * W);
  return { dx };
}
