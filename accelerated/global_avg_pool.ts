import { validateGlobalAvgPool } from '../reference/global_avg_pool';
import { requireShape } from '../reference/validate';
import { zeros, type GpuTensor } from './runtime/buffers';
import { launch, opKernels } from './runtime/kernel';

/** Twin of reference/global_avg_pool on planes of HW = H·W elements. */
export interface GlobalAvgPoolCache {
  shape: readonly number[];
}

const kernels = opKernels(
  'global_avg_pool',
  { uniforms: { HW: 'u32' } },
  {
    /** One invocation per (n, c) plane walks its H·W elements (planes are small; no tree needed). */
    forward: {
      inputs: { x: 'f32' },
      outputs: { out: 'f32' },
      body: `
  var s = 0.0;
  for (var k = 0u; k < u.HW; k++) { s += x[i * u.HW + k]; }
  out[i] = s / f32(u.HW);`,
    },
    /** One invocation per input element: its plane's gradient over H·W. */
    backward: {
      inputs: { dout: 'f32' },
      outputs: { dx: 'f32' },
      body: `
  dx[i] = dout[i / u.HW] / f32(u.HW);`,
    },
  },
);

export function globalAvgPoolForward(x: GpuTensor): { out: GpuTensor; cache: GlobalAvgPoolCache } {
  const { N, C, H, W } = validateGlobalAvgPool(x);
  const out = zeros(x.gpu, [N, C]);
  launch(x.gpu, kernels.forward, { x, out }, { count: N * C, HW: H * W });
  return { out, cache: { shape: x.shape } };
}

export function globalAvgPoolBackward(dout: GpuTensor, cache: GlobalAvgPoolCache): { dx: GpuTensor } {
  const [N, C, H, W] = cache.shape;
  requireShape('global_avg_pool_backward', 'dout', dout, [N, C], 'the forward output shape');
  const dx = zeros(dout.gpu, cache.shape);
  launch(dout.gpu, kernels.backward, { dout, dx }, { count: N * C * H * W, HW: H * W });
  return { dx };
}
