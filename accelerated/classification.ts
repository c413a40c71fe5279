import { requireLossGradient, validateScoresAndLabels } from '../reference/classification';
import { zeros, type GpuTensor } from './runtime/buffers';
import { kernel, launch, type KernelSpec } from './runtime/kernel';
import { sumAll } from './runtime/reduce';
import { scope } from './runtime/scope';

/**
 * Classification losses on x (N, C) f32 and y (N) i32. Tiling: one invocation per sample walks its
 * row of C scores (C is small next to N in these losses); the per-sample losses are then summed by
 * the tree reduction. Each loss supplies two WGSL bodies that see `row` (= i·C), `C`, `yi`:
 *   lossBody sets `loss` for the sample; gradBody writes dx[row + j] given `g` = dloss / N.
 */
export interface RowLoss {
  op: string;
  lossBody: string;
  gradBody: string;
}

export interface LossCache {
  x: GpuTensor;
  y: GpuTensor;
}

/** A kernel of one invocation per sample (count = N) over x, y and `arrays`, its body after `row`, `C` and `yi`. */
const rowKernel = (name: string, arrays: Pick<KernelSpec, 'inputs' | 'outputs'>, body: string) =>
  kernel({
    name,
    inputs: { x: 'f32', y: 'i32', ...arrays.inputs },
    outputs: arrays.outputs,
    uniforms: { C: 'u32' },
    body: `let C = u.C;
  let row = i * C;
  let yi = u32(y[i]);
  ${body}`,
  });

export function rowLossForward(spec: RowLoss, x: GpuTensor, y: GpuTensor): { loss: GpuTensor; cache: LossCache } {
  const { N, C } = validateScoresAndLabels(spec.op, x, y);
  return scope(() => {
    const perSample = zeros(x.gpu, [N]);
    const forward = rowKernel(
      `${spec.op}:forward`,
      { outputs: { losses: 'f32' } },
      `var loss = 0.0;
  ${spec.lossBody}
  losses[i] = loss;`,
    );
    launch(x.gpu, forward, { x, y, losses: perSample }, { count: N, C });
    const loss = sumAll(perSample, 1 / N);
    return { loss, cache: { x, y } };
  });
}

export function rowLossBackward(spec: RowLoss, dloss: GpuTensor, cache: LossCache): { dx: GpuTensor } {
  requireLossGradient(spec.op, dloss);
  const { x, y } = cache;
  const [N, C] = x.shape;
  const dx = zeros(x.gpu, [N, C]);
  const backward = rowKernel(
    `${spec.op}:backward`,
    { inputs: { dloss: 'f32' }, outputs: { dx: 'f32' } },
    `let g = dloss[0] / f32(u.count);
  ${spec.gradBody}`,
  );
  launch(x.gpu, backward, { x, y, dloss, dx }, { count: N, C });
  return { dx };
}
