import { poolWindow, type PoolParams, type PoolPlanes } from './pooling';
import { formatIndex, tensor, type Tensor } from './tensor';
import { InputError, requireFinite, requireIndices, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

/**
 * Max unpooling (F.max_unpool2d), the scatter that undoes max_pool2d's gather:
 *
 *   out[n, c] = zeros(H', W');  out[n, c].flat[indices[n, c, h, w]] = x[n, c, h, w]
 *   dx[n, c, h, w] = dout[n, c].flat[indices[n, c, h, w]]
 *
 * indices (integer, not differentiated) are row·W' + col within each output plane, as max_pool2d
 * returns them. output_size [H', W'] defaults to ((H−1)·stride + pool_height, (W−1)·stride + pool_width)
 * and, as in PyTorch, may differ from it by less than stride. The indices of a plane must be
 * distinct: PyTorch leaves the winner of a repeated index unspecified, and then no gradient is right.
 */
export interface MaxUnpool2dParams extends PoolParams {
  output_size?: unknown;
}

export interface MaxUnpool2dCache {
  indices: Tensor;
  geometry: PoolPlanes;
}

const OP = 'max_unpool2d';

/** output_size, checked against PyTorch's open interval (default − stride, default + stride). */
function outputSize(params: MaxUnpool2dParams, H: number, W: number): [number, number] {
  const { ph, pw, stride } = poolWindow(OP, params);
  const defaults = [(H - 1) * stride + ph, (W - 1) * stride + pw];
  const size = params.output_size;
  if (size === undefined) return [defaults[0], defaults[1]];
  const [lo, hi] = [defaults.map((d) => d - stride), defaults.map((d) => d + stride)];
  const ok = Array.isArray(size) && size.length === 2 && size.every((v, d) => Number.isInteger(v) && v > lo[d] && v < hi[d]);
  if (!ok) {
    throw new InputError(
      OP,
      'output_size',
      `[H', W'] with ${lo[0]} < H' < ${hi[0]} and ${lo[1]} < W' < ${hi[1]} (default [${defaults.join(', ')}] ± stride, exclusive)`,
      JSON.stringify(size) ?? String(size),
    );
  }
  return [size[0], size[1]];
}

/** Whole numbers in [0, H'·W'), distinct within each (n, c) plane. */
function requirePlaneIndices(indices: Shaped, planeSize: number, Ho: number, Wo: number): void {
  requireIndices(OP, 'indices', indices, Ho * Wo, 'indices', `an output plane of ${Ho}×${Wo}`);
  if (!indices.data) return;
  const seen = new Set<number>();
  for (let i = 0; i < indices.data.length; i++) {
    if (i % planeSize === 0) seen.clear();
    const v = indices.data[i];
    if (seen.has(v)) throw new InputError(OP, 'indices', 'distinct indices within each (n, c) plane', `${v} again at ${formatIndex(i, indices.shape)}`);
    seen.add(v);
  }
}

export function validateMaxUnpool2d(x: Shaped, indices: Shaped, params: MaxUnpool2dParams = {}): PoolPlanes {
  requireRank(OP, 'x', x, 4);
  requirePositiveSizes(OP, 'x', x);
  requireShape(OP, 'indices', indices, x.shape, 'the shape of x');
  const [N, C, H, W] = x.shape;
  const [Ho, Wo] = outputSize(params, H, W);
  requirePlaneIndices(indices, H * W, Ho, Wo);
  requireFinite(OP, 'x', x);
  return { N, C, H, W, Ho, Wo };
}

export function maxUnpool2dForward(x: Tensor, indices: Tensor, params: MaxUnpool2dParams): { out: Tensor; cache: MaxUnpool2dCache } {
  const geometry = validateMaxUnpool2d(x, indices, params);
  const { N, C, H, W, Ho, Wo } = geometry;
  const out = tensor([N, C, Ho, Wo]);
  for (let p = 0; p < N * C; p++) {
    for (let k = 0; k < H * W; k++) out.data[p * Ho * Wo + indices.data[p * H * W + k]] = x.data[p * H * W + k];
  }
  return { out, cache: { indices, geometry } };
}

export function maxUnpool2dBackward(dout: Tensor, cache: MaxUnpool2dCache): { dx: Tensor } {
  const { indices, geometry } = cache;
  const { N, C, H, W, Ho, Wo } = geometry;
  requireShape('max_unpool2d_backward', 'dout', dout, [N, C, Ho, Wo], 'the forward output shape');
  const dx = tensor([N, C, H, W]);
  for (let p = 0; p < N * C; p++) {
    for (let k = 0; k < H * W; k++) dx.data[p * H * W + k] = dout.data[p * Ho * Wo + indices.data[p * H * W + k]];
  }
  return { dx };
}
