import { validateMaxUnpool2d, type MaxUnpool2dParams } from '../reference/max_unpool2d';
import type { PoolPlanes } from '../reference/pooling';
import { requireShape } from '../reference/validate';
import { empty, type GpuTensor } from './buffers';
import { gridKernel, launchGrid } from './grid_kernel';
import type { Field } from './launch';

/**
 * Twin of reference/max_unpool2d. The indices of a plane are distinct (validated), so the forward
 * is an injective scatter: one invocation per x element writes its value into the output, whose
 * other elements keep the zeros WebGPU initializes every buffer with. The backward is the matching
 * gather, one invocation per x element.
 */
export interface MaxUnpool2dCache {
  indices: GpuTensor;
  geometry: PoolPlanes;
}

const UNIFORMS = ['HW: u32', 'HoWo: u32'];
const fields = (g: PoolPlanes): Field[] => [['u32', g.H * g.W], ['u32', g.Ho * g.Wo]];

/** WGSL: the flat output index of x element i. */
const TARGET = 'let at = (i / u.HW) * u.HoWo + u32(indices[i]);';

const scatterKernel = gridKernel(
  'max_unpool2d:forward',
  [{ name: 'x' }, { name: 'indices', type: 'i32' }, { name: 'out', write: true }],
  UNIFORMS,
  '',
  `${TARGET}
  out[at] = x[i];`,
);

const gatherKernel = gridKernel(
  'max_unpool2d:backward',
  [{ name: 'dout' }, { name: 'indices', type: 'i32' }, { name: 'dx', write: true }],
  UNIFORMS,
  '',
  `${TARGET}
  dx[i] = dout[at];`,
);

export function maxUnpool2dForward(x: GpuTensor, indices: GpuTensor, params: MaxUnpool2dParams): { out: GpuTensor; cache: MaxUnpool2dCache } {
  const geometry = validateMaxUnpool2d(x, indices, params);
  const { N, C, H, W, Ho, Wo } = geometry;
  const out = empty(x.gpu, [N, C, Ho, Wo]);
  launchGrid(x.gpu, scatterKernel, [x.buffer, indices.buffer, out.buffer], fields(geometry), N * C * H * W);
  return { out, cache: { indices, geometry } };
}

export function maxUnpool2dBackward(dout: GpuTensor, cache: MaxUnpool2dCache): { dx: GpuTensor } {
  const { indices, geometry } = cache;
  const { N, C, H, W, Ho, Wo } = geometry;
  requireShape('max_unpool2d_backward', 'dout', dout, [N, C, Ho, Wo], 'the forward output shape');
  const dx = empty(dout.gpu, [N, C, H, W]);
  launchGrid(dout.gpu, gatherKernel, [dout.buffer, indices.buffer, dx.buffer], fields(geometry), N * C * H * W);
  return { dx };
}
