import { requireLossGradient, validateScoresAndLabels } from '../reference/classification';
import { empty, release, type GpuTensor } from './buffers';
import { grid1d, launch, MAIN_1D } from './launch';
import { sumAll } from './reduce';

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

/** Bindings: x, y, then `extra` storage buffers, then the (N, C) uniform. */
const header = (extra: string[]) => `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<i32>;
${extra.map((decl, k) => `@group(0) @binding(${k + 2}) ${decl};`).join('\n')}
struct Params { N: u32, C: u32 }
@group(0) @binding(${extra.length + 2}) var<uniform> params: Params;
${MAIN_1D}
  if (i >= params.N) { return; }
  let C = params.C;
  let row = i * C;
  let yi = u32(y[i]);`;

export function rowLossForward(spec: RowLoss, x: GpuTensor, y: GpuTensor): { loss: GpuTensor; cache: LossCache } {
  const { N, C } = validateScoresAndLabels(spec.op, x, y);
  const perSample = empty(x.gpu, [N]);
  const kernel = {
    key: `${spec.op}:forward`,
    source: () => `${header(['var<storage, read_write> losses: array<f32>'])}
  var loss = 0.0;
  ${spec.lossBody}
  losses[i] = loss;
}`,
  };
  launch(x.gpu, kernel, [x.buffer, y.buffer, perSample.buffer], [['u32', N], ['u32', C]], grid1d(N));
  const loss = sumAll(perSample, 1 / N);
  release(perSample);
  return { loss, cache: { x, y } };
}

export function rowLossBackward(spec: RowLoss, dloss: GpuTensor, cache: LossCache): { dx: GpuTensor } {
  requireLossGradient(spec.op, dloss);
  const { x, y } = cache;
  const [N, C] = x.shape;
  const dx = empty(x.gpu, [N, C]);
  const kernel = {
    key: `${spec.op}:backward`,
    source: () => `${header(['var<storage, read> dloss: array<f32>', 'var<storage, read_write> dx: array<f32>'])}
  let g = dloss[0] / f32(params.N);
  ${spec.gradBody}
}`,
  };
  launch(x.gpu, kernel, [x.buffer, y.buffer, dloss.buffer, dx.buffer], [['u32', N], ['u32', C]], grid1d(N));
  return { dx };
}
