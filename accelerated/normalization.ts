import { batchnormLayout, groupSize, type BatchnormParams, type BatchnormSettings, type Groups, type NormLayout } from '../reference/normalization';
import { requireShape, type Shaped } from '../reference/validate';
import { numel } from '../reference/tensor';
import { empty, release, type GpuTensor } from './buffers';
import { map } from './elementwise';
import { grid1d, launch, MAIN_1D, type Field, type Kernel } from './launch';

/**
 * What the twins of batchnorm, spatial_batchnorm, layernorm and groupnorm share (formulas and the
 * statistics-group / channel layouts in reference/normalization.ts). Five kernels, none with
 * workgroup memory or barriers:
 *
 * - reductions (moments, gradient sums): one invocation per group walks its reps × run members
 *   (`Groups`). For per-channel groups adjacent invocations read adjacent addresses, so loads
 *   coalesce on a GPU; per-row groups (layernorm, groupnorm) read a contiguous run each. One
 *   walker per group keeps the kernels barrier-free; groups far longer than the number of groups
 *   would expose more parallelism as a tree (accelerated/reduce.ts).
 * - elementwise (normalize, dx, running update): one invocation per element (per channel for the
 *   running update), which finds its statistics group and channel by ⌊i / stride⌋ mod count.
 */
export interface NormCache {
  xhat: GpuTensor;
  gamma: GpuTensor;
  /** σ² per statistics group: the batch's (train) or running_var (batchnorm test mode). */
  variance: GpuTensor;
  eps: number;
  layout: NormLayout;
  batchStats: boolean;
}

const GROUPS_STRUCT = 'struct Groups { count: u32, groupStride: u32, reps: u32, repStride: u32, run: u32, chanCount: u32, chanStride: u32 }';

/** Uniform fields of a group walk: the Groups of the reduction, then the channel layout (for γ). */
const groupFields = (g: Groups, channels = g): Field[] =>
  [g.count, g.groupStride, g.reps, g.repStride, g.run, channels.count, channels.groupStride].map((v) => ['u32', v] as const);

/** WGSL: runs `body` with `at` = each member of group `i` of the `grp` uniform. */
const eachMember = (body: string) => `for (var r = 0u; r < grp.reps; r++) {
    let start = i * grp.groupStride + r * grp.repStride;
    for (var j = 0u; j < grp.run; j++) { let at = start + j; ${body} }
  }`;

/** Storage bindings in order (those named in `written` read_write), then the uniform `uniformDecl`. */
const bindings = (names: string[], written: string[], uniformDecl: string) => `
${names.map((name, k) => `@group(0) @binding(${k}) var<storage, ${written.includes(name) ? 'read_write' : 'read'}> ${name}: array<f32>;`).join('\n')}
@group(0) @binding(${names.length}) ${uniformDecl};`;

/** μ and the biased σ² of each group, two passes over its members (mean, then squared deviations). */
const momentsKernel: Kernel = {
  key: 'normalization:moments',
  source: () => `${bindings(['x', 'mean', 'variance'], ['mean', 'variance'], 'var<uniform> grp: Groups')}
${GROUPS_STRUCT}
${MAIN_1D}
  if (i >= grp.count) { return; }
  let size = f32(grp.reps * grp.run);
  var s = 0.0;
  ${eachMember('s += x[at];')}
  let mu = s / size;
  var q = 0.0;
  ${eachMember('let d = x[at] - mu; q += d * d;')}
  mean[i] = mu;
  variance[i] = q / size;
}`,
};

function groupMoments(x: GpuTensor, g: Groups): { mean: GpuTensor; variance: GpuTensor } {
  const mean = empty(x.gpu, [g.count]);
  const variance = empty(x.gpu, [g.count]);
  launch(x.gpu, momentsKernel, [x.buffer, mean.buffer, variance.buffer], groupFields(g), grid1d(g.count));
  return { mean, variance };
}

/** Element i's statistics group k and channel c, from the `ix` uniform. */
const INDEX_STRUCT = 'struct Index { n: u32, statCount: u32, statStride: u32, chanCount: u32, chanStride: u32, groupSize: u32, eps: f32 }';
const INDEX_PRELUDE = `if (i >= ix.n) { return; }
  let k = (i / ix.statStride) % ix.statCount;
  let c = (i / ix.chanStride) % ix.chanCount;
  let istd = 1.0 / sqrt(variance[k] + ix.eps);`;

const indexFields = (n: number, { stats, channels }: NormLayout, eps: number): Field[] => [
  ['u32', n], ['u32', stats.count], ['u32', stats.groupStride], ['u32', channels.count], ['u32', channels.groupStride],
  ['u32', groupSize(stats)], ['f32', eps],
];

/** x̂ = (x − μ_k)·istd_k and out = γ_c·x̂ + β_c, one invocation per element. */
const normalizeKernel: Kernel = {
  key: 'normalization:normalize',
  source: () => `${bindings(['x', 'mean', 'variance', 'gamma', 'beta', 'xhat', 'out'], ['xhat', 'out'], 'var<uniform> ix: Index')}
${INDEX_STRUCT}
${MAIN_1D}
  ${INDEX_PRELUDE}
  let xh = (x[i] - mean[k]) * istd;
  xhat[i] = xh;
  out[i] = gamma[c] * xh + beta[c];
}`,
};

function normalizeForward(
  x: GpuTensor,
  gamma: GpuTensor,
  beta: GpuTensor,
  stats: { mean: GpuTensor; variance: GpuTensor },
  eps: number,
  layout: NormLayout,
  batchStats: boolean,
): { out: GpuTensor; cache: NormCache } {
  const n = numel(x.shape);
  const xhat = empty(x.gpu, x.shape);
  const out = empty(x.gpu, x.shape);
  const buffers = [x, stats.mean, stats.variance, gamma, beta, xhat, out].map((t) => t.buffer);
  launch(x.gpu, normalizeKernel, buffers, indexFields(n, layout, eps), grid1d(n));
  return { out, cache: { xhat, gamma, variance: stats.variance, eps, layout, batchStats } };
}

/**
 * Per group: Σ w·dout and Σ w·dout·x̂, with w = γ_c (`weighted`: the statistics groups' sums of
 * g = dout·γ) or 1 (the channel sums dβ and dγ).
 */
const sumsKernel = (weighted: boolean): Kernel => ({
  key: `normalization:sums:${weighted}`,
  source: () => `${bindings(['dout', 'xhat', ...(weighted ? ['gamma'] : []), 'sumG', 'sumGXhat'], ['sumG', 'sumGXhat'], 'var<uniform> grp: Groups')}
${GROUPS_STRUCT}
${MAIN_1D}
  if (i >= grp.count) { return; }
  var s = 0.0;
  var sx = 0.0;
  ${eachMember(`let v = dout[at]${weighted ? ' * gamma[(at / grp.chanStride) % grp.chanCount]' : ''}; s += v; sx += v * xhat[at];`)}
  sumG[i] = s;
  sumGXhat[i] = sx;
}`,
});

function gradSums(dout: GpuTensor, cache: NormCache, g: Groups, weighted: boolean): [GpuTensor, GpuTensor] {
  const sums: [GpuTensor, GpuTensor] = [empty(dout.gpu, [g.count]), empty(dout.gpu, [g.count])];
  const inputs = [dout, cache.xhat, ...(weighted ? [cache.gamma] : []), ...sums];
  launch(dout.gpu, sumsKernel(weighted), inputs.map((t) => t.buffer), groupFields(g, cache.layout.channels), grid1d(g.count));
  return sums;
}

/**
 * dx = istd·(g − Σg/M − x̂·Σ(g·x̂)/M) with g = dout·γ (`batchStats`), or istd·g (fixed statistics),
 * one invocation per element reading its group's two sums.
 */
const dxKernel = (batchStats: boolean): Kernel => ({
  key: `normalization:dx:${batchStats}`,
  source: () => `${bindings(['dout', 'gamma', 'variance', ...(batchStats ? ['xhat', 'sumG', 'sumGXhat'] : []), 'dx'], ['dx'], 'var<uniform> ix: Index')}
${INDEX_STRUCT}
${MAIN_1D}
  ${INDEX_PRELUDE}
  let g = dout[i] * gamma[c];
  ${batchStats ? 'let M = f32(ix.groupSize);\n  dx[i] = istd * (g - sumG[k] / M - xhat[i] * sumGXhat[k] / M);' : 'dx[i] = istd * g;'}
}`,
});

/** `op` names the dout shape error. */
export function normalizeBackward(op: string, dout: GpuTensor, cache: NormCache): { dx: GpuTensor; dgamma: GpuTensor; dbeta: GpuTensor } {
  const { xhat, gamma, variance, eps, layout, batchStats } = cache;
  requireShape(`${op}_backward`, 'dout', dout, xhat.shape, 'the shape of out');
  const n = numel(xhat.shape);
  const [dbeta, dgamma] = gradSums(dout, cache, layout.channels, false);
  const groupSums = batchStats ? gradSums(dout, cache, layout.stats, true) : [];
  const dx = empty(dout.gpu, xhat.shape);
  const buffers = [dout, gamma, variance, ...(batchStats ? [xhat, ...groupSums] : []), dx].map((t) => t.buffer);
  launch(dout.gpu, dxKernel(batchStats), buffers, indexFields(n, layout, eps), grid1d(n));
  release(...groupSums);
  return { dx, dgamma, dbeta };
}

/** running = momentum·running + (1 − momentum)·batch, one invocation per channel. */
const runningKernel: Kernel = {
  key: 'normalization:running',
  source: () => `${bindings(['runMean', 'runVar', 'mean', 'variance', 'newMean', 'newVar'], ['newMean', 'newVar'], 'var<uniform> blend: Blend')}
struct Blend { count: u32, momentum: f32 }
${MAIN_1D}
  if (i >= blend.count) { return; }
  let m = blend.momentum;
  newMean[i] = m * runMean[i] + (1.0 - m) * mean[i];
  newVar[i] = m * runVar[i] + (1.0 - m) * variance[i];
}`,
};

/** Twin of reference/normalization's batchnormFamilyForward: batch statistics and running update, or running statistics. */
export function batchnormFamilyForward(
  x: GpuTensor,
  gamma: GpuTensor,
  beta: GpuTensor,
  runningMean: GpuTensor,
  runningVar: GpuTensor,
  { train, eps, momentum }: BatchnormSettings,
  layout: NormLayout,
): { out: GpuTensor; running_mean: GpuTensor; running_var: GpuTensor; cache: NormCache } {
  if (!train) {
    const { out, cache } = normalizeForward(x, gamma, beta, { mean: runningMean, variance: runningVar }, eps, layout, false);
    return { out, running_mean: map('copy', 'a', runningMean), running_var: map('copy', 'a', runningVar), cache };
  }
  const batch = groupMoments(x, layout.stats);
  const C = layout.stats.count;
  const running_mean = empty(x.gpu, [C]);
  const running_var = empty(x.gpu, [C]);
  const buffers = [runningMean, runningVar, batch.mean, batch.variance, running_mean, running_var].map((t) => t.buffer);
  launch(x.gpu, runningKernel, buffers, [['u32', C], ['f32', momentum]], grid1d(C));
  const { out, cache } = normalizeForward(x, gamma, beta, batch, eps, layout, true);
  release(batch.mean);
  return { out, running_mean, running_var, cache };
}

/**
 * The exported forward and backward of batchnorm's and spatial_batchnorm's twins: the op's own checks
 * (`validate`, from its reference module), then batchnormFamilyForward on the per-channel layout.
 */
export function batchnormTwinOp(
  op: string,
  validate: (x: Shaped, gamma: Shaped, beta: Shaped, running_mean: Shaped, running_var: Shaped, params: BatchnormParams) => BatchnormSettings,
) {
  return {
    forward: (x: GpuTensor, gamma: GpuTensor, beta: GpuTensor, running_mean: GpuTensor, running_var: GpuTensor, params: BatchnormParams) =>
      batchnormFamilyForward(x, gamma, beta, running_mean, running_var, validate(x, gamma, beta, running_mean, running_var, params), batchnormLayout(x.shape)),
    backward: (dout: GpuTensor, cache: NormCache) => normalizeBackward(op, dout, cache),
  };
}

/** Layernorm and groupnorm: statistics from x, no running state. */
export function normalizeByMoments(x: GpuTensor, gamma: GpuTensor, beta: GpuTensor, eps: number, layout: NormLayout): { out: GpuTensor; cache: NormCache } {
  const moments = groupMoments(x, layout.stats);
  const result = normalizeForward(x, gamma, beta, moments, eps, layout, true);
  release(moments.mean);
  return result;
}
