import { validateGlobalAvgPool } from '../reference/global_avg_pool';
import { requireShape } from '../reference/validate';
import { empty, type GpuTensor } from './buffers';
import { gridKernel, launchGrid } from './grid_kernel';

/** Twin of reference/global_avg_pool on planes of HW = H·W elements. */
export interface GlobalAvgPoolCache {
  shape: readonly number[];
}

/** One invocation per (n, c) plane walks its H·W elements (planes are small; no tree needed). */
const forwardKernel = gridKernel('global_avg_pool:forward', [{ name: 'x' }, { name: 'out', write: true }], ['HW: u32'], '', `
  var s = 0.0;
  for (var k = 0u; k < u.HW; k++) { s += x[i * u.HW + k]; }
  out[i] = s / f32(u.HW);`);

/** One invocation per input element: its plane's gradient over H·W. */
const backwardKernel = gridKernel('global_avg_pool:backward', [{ name: 'dout' }, { name: 'dx', write: true }], ['HW: u32'], '', `
  dx[i] = dout[i / u.HW] / f32(u.HW);`);

export function globalAvgPoolForward(x: GpuTensor): { out: GpuTensor; cache: GlobalAvgPoolCache } {
  const { N, C, H, W } = validateGlobalAvgPool(x);
  const out = empty(x.gpu, [N, C]);
  launchGrid(x.gpu, forwardKernel, [x.buffer, out.buffer], [['u32', H * W]], N * C);
  return { out, cache: { shape: x.shape } };
}

export function globalAvgPoolBackward(dout: GpuTensor, cache: GlobalAvgPoolCache): { dx: GpuTensor } {
  const [N, C, H, W] = cache.shape;
  requireShape('global_avg_pool_backward', 'dout', dout, [N, C], 'the forward output shape');
  const dx = empty(dout.gpu, cache.shape);
  launchGrid(dout.gpu, backwardKernel, [dout.buffer, dx.buffer], [['u32', H * W]], N * C * H * W);
  return { dx };
}
