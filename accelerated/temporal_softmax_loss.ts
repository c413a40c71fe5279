import { requireLossGradient } from '../reference/classification';
import { validateTemporalSoftmaxLoss } from '../reference/temporal_softmax_loss';
import { zeros, type GpuTensor } from './runtime/buffers';
import { kernel, launch, type KernelSpec } from './runtime/kernel';
import { sumAll } from './runtime/reduce';
import { scope } from './runtime/scope';

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

/**
 * A kernel of one invocation per row (count = N·T) over x, y, mask and `arrays`; its body follows
 * row r's first score index `row`, label `yr`, max `m` and `z` = Σ exp(x − m).
 */
const rowKernel = (name: string, arrays: Pick<KernelSpec, 'inputs' | 'outputs'>, body: string) =>
  kernel({
    name,
    inputs: { x: 'f32', y: 'i32', mask: 'i32', ...arrays.inputs },
    outputs: arrays.outputs,
    uniforms: { V: 'u32', N: 'u32' },
    body: `let V = u.V;
  let row = i * V;
  let yr = u32(y[i]);
  var m = x[row];
  for (var v = 1u; v < V; v++) { m = max(m, x[row + v]); }
  var z = 0.0;
  for (var v = 0u; v < V; v++) { z += exp(x[row + v] - m); }
  ${body}`,
  });

/** Row loss mask·(log z − (x[y] − m)) */
const lossKernel = rowKernel('temporal_softmax_loss:forward', { outputs: { losses: 'f32' } }, 'losses[i] = f32(mask[i]) * (log(z) - (x[row + yr] - m));');

/** dx[row + v] = dloss/N · mask·(softmax − [v = y]) */
const gradKernel = rowKernel(
  'temporal_softmax_loss:backward',
  { inputs: { dloss: 'f32' }, outputs: { dx: 'f32' } },
  `let g = f32(mask[i]) * dloss[0] / f32(u.N);
  for (var v = 0u; v < V; v++) {
    dx[row + v] = g * (exp(x[row + v] - m) / z - select(0.0, 1.0, v == yr));
  }`,
);

const sizes = ([N, T, V]: readonly number[]) => ({ count: N * T, V, N });

export function temporalSoftmaxLossForward(x: GpuTensor, y: GpuTensor, mask: GpuTensor): { loss: GpuTensor; cache: TemporalSoftmaxLossCache } {
  const { N, T } = validateTemporalSoftmaxLoss(x, y, mask);
  return scope(() => {
    const perRow = zeros(x.gpu, [N * T]);
    launch(x.gpu, lossKernel, { x, y, mask, losses: perRow }, sizes(x.shape));
    const loss = sumAll(perRow, 1 / N);
    return { loss, cache: { x, y, mask } };
  });
}

export function temporalSoftmaxLossBackward(dloss: GpuTensor, cache: TemporalSoftmaxLossCache): { dx: GpuTensor } {
  requireLossGradient('temporal_softmax_loss', dloss);
  const { x, y, mask } = cache;
  const dx = zeros(x.gpu, x.shape);
  launch(x.gpu, gradKernel, { x, y, mask, dloss, dx }, sizes(x.shape));
  return { dx };
}
