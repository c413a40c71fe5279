import { requireLossGradient } from '../reference/classification';
import { validateTemporalSoftmaxLoss } from '../reference/temporal_softmax_loss';
import { empty, release, type GpuTensor } from './buffers';
import { grid1d, launch, MAIN_1D, type Kernel } from './launch';
import { sumAll } from './reduce';

/**
 * Twin of reference/temporal_softmax_loss on x (N, T, V) f32, y and mask (N, T) i32. Tiling: one
 * invocation per (n, t) row walks its V scores (max, then Σ exp); the per-row masked losses are
 * summed by the tree reduction of reduce.ts, scaled by 1/N.
 */
export interface TemporalSoftmaxLossCache {
  x: GpuTensor;
  y: GpuTensor;
  mask: GpuTensor;
}

/** Bindings x, y, mask, then `extra`; sets row r, its first score index `row`, label `yr`, max `m` and `z` = Σ exp(x − m). */
const rowPrelude = (extra: string[]) => `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<i32>;
@group(0) @binding(2) var<storage, read> mask: array<i32>;
${extra.map((decl, k) => `@group(0) @binding(${k + 3}) ${decl};`).join('\n')}
struct Sizes { rows: u32, V: u32, N: u32 }
@group(0) @binding(${extra.length + 3}) var<uniform> sizes: Sizes;
${MAIN_1D}
  if (i >= sizes.rows) { return; }
  let V = sizes.V;
  let row = i * V;
  let yr = u32(y[i]);
  var m = x[row];
  for (var v = 1u; v < V; v++) { m = max(m, x[row + v]); }
  var z = 0.0;
  for (var v = 0u; v < V; v++) { z += exp(x[row + v] - m); }`;

/** Row loss mask·(log z − (x[y] − m)) */
const lossKernel: Kernel = {
  key: 'temporal_softmax_loss:forward',
  source: () => `${rowPrelude(['var<storage, read_write> losses: array<f32>'])}
  losses[i] = f32(mask[i]) * (log(z) - (x[row + yr] - m));
}`,
};

/** dx[row + v] = dloss/N · mask·(softmax − [v = y]) */
const gradKernel: Kernel = {
  key: 'temporal_softmax_loss:backward',
  source: () => `${rowPrelude(['var<storage, read> dloss: array<f32>', 'var<storage, read_write> dx: array<f32>'])}
  let g = f32(mask[i]) * dloss[0] / f32(sizes.N);
  for (var v = 0u; v < V; v++) {
    dx[row + v] = g * (exp(x[row + v] - m) / z - select(0.0, 1.0, v == yr));
  }
}`,
};

const sizes = ([N, T, V]: readonly number[]) => [['u32', N * T], ['u32', V], ['u32', N]] as const;

export function temporalSoftmaxLossForward(x: GpuTensor, y: GpuTensor, mask: GpuTensor): { loss: GpuTensor; cache: TemporalSoftmaxLossCache } {
  const { N, T } = validateTemporalSoftmaxLoss(x, y, mask);
  const perRow = empty(x.gpu, [N * T]);
  launch(x.gpu, lossKernel, [x.buffer, y.buffer, mask.buffer, perRow.buffer], sizes(x.shape), grid1d(N * T));
  const loss = sumAll(perRow, 1 / N);
  release(perRow);
  return { loss, cache: { x, y, mask } };
}

export function temporalSoftmaxLossBackward(dloss: GpuTensor, cache: TemporalSoftmaxLossCache): { dx: GpuTensor } {
  requireLossGradient('temporal_softmax_loss', dloss);
  const { x, y, mask } = cache;
  const [N, T] = x.shape;
  const dx = empty(x.gpu, x.shape);
  launch(x.gpu, gradKernel, [x.buffer, y.buffer, mask.buffer, dloss.buffer, dx.buffer], sizes(x.shape), grid1d(N * T));
  return { dx };
}
