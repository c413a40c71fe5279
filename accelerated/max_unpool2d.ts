import { validateMaxUnpool2d, type MaxUnpool2dParams } from '../reference/max_unpool2d';
import type { PoolPlanes } from '../reference/pooling';
import { requireShape } from '../reference/validate';
import { zeros, type GpuTensor } from './runtime/buffers';
import { launch, opKernels } from './runtime/kernel';

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

const UNIFORMS = { HW: 'u32', HoWo: 'u32' } as const;
const fields = (g: PoolPlanes) => ({ HW: g.H * g.W, HoWo: g.Ho * g.Wo });

/** WGSL: the flat output index of x element i. */
const TARGET = 'let at = (i / u.HW) * u.HoWo + u32(indices[i]);';

const kernels = opKernels(
  'max_unpool2d',
  { uniforms: UNIFORMS },
  {
    forward: {
      inputs: { x: 'f32', indices: 'i32' },
      outputs: { out: 'f32' },
      body: `${TARGET}
  out[at] = x[i];`,
    },
    backward: {
      inputs: { dout: 'f32', indices: 'i32' },
      outputs: { dx: 'f32' },
      body: `${TARGET}
  dx[i] = dout[at];`,
    },
  },
);

export function maxUnpool2dForward(x: GpuTensor, indices: GpuTensor, params: MaxUnpool2dParams): { out: GpuTensor; cache: MaxUnpool2dCache } {
  const geometry = validateMaxUnpool2d(x, indices, params);
  const { N, C, H, W, Ho, Wo } = geometry;
  const out = zeros(x.gpu, [N, C, Ho, Wo]);
  launch(x.gpu, kernels.forward, { x, indices, out }, { count: N * C * H * W, ...fields(geometry) });
  return { out, cache: { indices, geometry } };
}

export function maxUnpool2dBackward(dout: GpuTensor, cache: MaxUnpool2dCache): { dx: GpuTensor } {
  const { indices, geometry } = cache;
  const { N, C, H, W, Ho, Wo } = geometry;
  requireShape('max_unpool2d_backward', 'dout', dout, [N, C, Ho, Wo], 'the forward output shape');
  const dx = zeros(dout.gpu, [N, C, H, W]);
  launch(dout.gpu, kernels.backward, { dout, indices, dx }, { count: N * C * H * W, ...fields(geometry) });
  return { dx };
}
