import { validateMaxPool2d } from '../reference/max_pool2d';
import { requirePooledGrad, type PoolGeometry, type PoolParams } from '../reference/pooling';
import { empty, type GpuTensor } from './buffers';
import { gridKernel, launchGrid } from './grid_kernel';
import { COVERING_WINDOWS, POOL_UNIFORMS, poolFields, WINDOW_OF_OUTPUT, WINDOWS_OF_INPUT } from './pooling';

/** Twin of reference/max_pool2d; kernels and their layout in accelerated/pooling.ts. */
export interface MaxPool2dCache {
  indices: GpuTensor;
  geometry: PoolGeometry;
}

/** One invocation per output element: the window's first maximum (strict >) and its in-plane index. */
const forwardKernel = gridKernel(
  'max_pool2d:forward',
  [{ name: 'x' }, { name: 'out', write: true }, { name: 'indices', type: 'i32', write: true }],
  POOL_UNIFORMS,
  '',
  `${WINDOW_OF_OUTPUT}
  var best = corner;
  for (var kh = 0u; kh < u.ph; kh++) {
    for (var kw = 0u; kw < u.pw; kw++) {
      let at = corner + kh * u.W + kw;
      if (x[at] > x[best]) { best = at; }
    }
  }
  out[i] = x[best];
  indices[i] = i32(best - base);`,
);

/** One invocation per input element: Σ dout over the covering windows whose maximum it is. */
const backwardKernel = gridKernel(
  'max_pool2d:backward',
  [{ name: 'indices', type: 'i32' }, { name: 'dout' }, { name: 'dx', write: true }],
  POOL_UNIFORMS,
  COVERING_WINDOWS,
  `${WINDOWS_OF_INPUT}
  let inPlane = i32(h * u.W + w);
  var s = 0.0;
  for (var r = rows.x; r < rows.y; r++) {
    for (var c = cols.x; c < cols.y; c++) {
      let o = outBase + r * u.Wo + c;
      if (indices[o] == inPlane) { s += dout[o]; }
    }
  }
  dx[i] = s;`,
);

export function maxPool2dForward(x: GpuTensor, params: PoolParams): { out: GpuTensor; indices: GpuTensor; cache: MaxPool2dCache } {
  const geometry = validateMaxPool2d(x, params);
  const { N, C, Ho, Wo } = geometry;
  const out = empty(x.gpu, [N, C, Ho, Wo]);
  const indices = empty(x.gpu, [N, C, Ho, Wo], 'i32');
  launchGrid(x.gpu, forwardKernel, [x.buffer, out.buffer, indices.buffer], poolFields(geometry), N * C * Ho * Wo);
  return { out, indices, cache: { indices, geometry } };
}

export function maxPool2dBackward(dout: GpuTensor, cache: MaxPool2dCache): { dx: GpuTensor } {
  const { indices, geometry } = cache;
  const { N, C, H, W } = geometry;
  requirePooledGrad('max_pool2d', dout, geometry);
  const dx = empty(dout.gpu, [N, C, H, W]);
  launchGrid(dout.gpu, backwardKernel, [indices.buffer, dout.buffer, dx.buffer], poolFields(geometry), N * C * H * W);
  return { dx };
}
