import { validateAvgPool2d } from '../reference/avg_pool2d';
import { requirePooledGrad, type PoolGeometry, type PoolParams } from '../reference/pooling';
import { zeros, type GpuTensor } from './runtime/buffers';
import { launch } from './runtime/kernel';
import { poolFields, poolKernels } from './pooling';

/** Twin of reference/avg_pool2d; kernels and their layout in accelerated/pooling.ts. */
export interface AvgPool2dCache {
  geometry: PoolGeometry;
}

const kernels = poolKernels('avg_pool2d', {
  /** One invocation per output element: the mean of its window. */
  forward: {
    inputs: { x: 'f32' },
    outputs: { out: 'f32' },
    body: `
  var s = 0.0;
  for (var kh = 0u; kh < u.ph; kh++) {
    for (var kw = 0u; kw < u.pw; kw++) { s += x[corner + kh * u.W + kw]; }
  }
  out[i] = s / f32(u.ph * u.pw);`,
  },
  /** One invocation per input element: Σ dout over the covering windows, over the window size. */
  backward: {
    inputs: { dout: 'f32' },
    outputs: { dx: 'f32' },
    body: `
  var s = 0.0;
  for (var r = rows.x; r < rows.y; r++) {
    for (var c = cols.x; c < cols.y; c++) { s += dout[outBase + r * u.Wo + c]; }
  }
  dx[i] = s / f32(u.ph * u.pw);`,
  },
});

export function avgPool2dForward(x: GpuTensor, params: PoolParams): { out: GpuTensor; cache: AvgPool2dCache } {
  const geometry = validateAvgPool2d(x, params);
  const { N, C, Ho, Wo } = geometry;
  const out = zeros(x.gpu, [N, C, Ho, Wo]);
  launch(x.gpu, kernels.forward, { x, out }, { count: N * C * Ho * Wo, ...poolFields(geometry) });
  return { out, cache: { geometry } };
}

export function avgPool2dBackward(dout: GpuTensor, cache: AvgPool2dCache): { dx: GpuTensor } {
  const { geometry } = cache;
  const { N, C, H, W } = geometry;
  requirePooledGrad('avg_pool2d', dout, geometry);
  const dx = zeros(dout.gpu, [N, C, H, W]);
  launch(dout.gpu, kernels.backward, { dout, dx }, { count: N * C * H * W, ...poolFields(geometry) });
  return { dx };
}
