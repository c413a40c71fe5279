import { validateMaxPool2d } from '../reference/max_pool2d';
import { requirePooledGrad, type PoolGeometry, type PoolParams } from '../reference/pooling';
import { zeros, type GpuTensor } from './runtime/buffers';
import { launch } from './runtime/kernel';
import { poolFields, poolKernels } from './pooling';

/** Twin of reference/max_pool2d; kernels and their layout in accelerated/pooling.ts. */
export interface MaxPool2dCache {
  indices: GpuTensor;
  geometry: PoolGeometry;
}

const kernels = poolKernels('max_pool2d', {
  /** One invocation per output element: the window's first maximum (strict >) and its in-plane index. */
  forward: {
    inputs: { x: 'f32' },
    outputs: { out: 'f32', indices: 'i32' },
    body: `
  var best = corner;
  for (var kh = 0u; kh < u.ph; kh++) {
    for (var kw = 0u; kw < u.pw; kw++) {
      let at = corner + kh * u.W + kw;
      if (x[at] > x[best]) { best = at; }
    }
  }
  out[i] = x[best];
  indices[i] = i32(best - base);`,
  },
  /** One invocation per input element: Σ dout over the covering windows whose maximum it is. */
  backward: {
    inputs: { indices: 'i32', dout: 'f32' },
    outputs: { dx: 'f32' },
    body: `
  let inPlane = i32(h * u.W + w);
  var s = 0.0;
  for (var r = rows.x; r < rows.y; r++) {
    for (var c = cols.x; c < cols.y; c++) {
      let o = outBase + r * u.Wo + c;
      if (indices[o] == inPlane) { s += dout[o]; }
    }
  }
  dx[i] = s;`,
  },
});

export function maxPool2dForward(x: GpuTensor, params: PoolParams): { out: GpuTensor; indices: GpuTensor; cache: MaxPool2dCache } {
  const geometry = validateMaxPool2d(x, params);
  const { N, C, Ho, Wo } = geometry;
  const out = zeros(x.gpu, [N, C, Ho, Wo]);
  const indices = zeros(x.gpu, [N, C, Ho, Wo], 'i32');
  launch(x.gpu, kernels.forward, { x, out, indices }, { count: N * C * Ho * Wo, ...poolFields(geometry) });
  return { out, indices, cache: { indices, geometry } };
}

export function maxPool2dBackward(dout: GpuTensor, cache: MaxPool2dCache): { dx: GpuTensor } {
  const { indices, geometry } = cache;
  const { N, C, H, W } = geometry;
  requirePooledGrad('max_pool2d', dout, geometry);
  const dx = zeros(dout.gpu, [N, C, H, W]);
  launch(dout.gpu, kernels.backward, { indices, dout, dx }, { count: N * C * H * W, ...poolFields(geometry) });
  return { dx };
}
