import { batchnormLayout, groupSize, type BatchnormParams, type BatchnormSettings, type Groups, type NormLayout } from '../reference/normalization';
import { requireShape, type Shaped } from '../reference/validate';
import { numel } from '../reference/tensor';
import { zeros, type GpuTensor } from './runtime/buffers';
import { map } from './runtime/elementwise';
import { f32Arrays, kernel, launch } from './runtime/kernel';
import { scope } from './runtime/scope';

/**
 * What the twins of batchnorm, spatial_batchnorm, layernorm and groupnorm share (formulas and the
 * statistics-group / channel layouts in reference/normalization.ts). Five kernels, none with
 * workgroup memory or barriers:
 *
 * - reductions (moments, gradient sums): one invocation per group walks its reps × run members
 *   (`Groups`). For per-channel groups adjacent invocations read adjacent addresses, so loads
 *   coalesce on a GPU; per-row groups (layernorm, groupnorm) read a contiguous run each. One
 *   walker per group keeps the kernels barrier-free; groups far longer than the number of groups
 *   would expose more parallelism as a tree (accelerated/runtime/reduce.ts).
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

/** Uniforms of a group walk (one invocation per group, count = the number of groups): the Groups of the reduction, then the channel layout (for γ). */
const GROUP_UNIFORMS = { groupStride: 'u32', reps: 'u32', repStride: 'u32', run: 'u32', chanCount: 'u32', chanStride: 'u32' } as const;

const groupFields = (g: Groups, channels = g) => ({
  count: g.count,
  groupStride: g.groupStride,
  reps: g.reps,
  repStride: g.repStride,
  run: g.run,
  chanCount: channels.count,
  chanStride: channels.groupStride,
});

/** WGSL: runs `body` with `at` = each member of group `i`. */
const eachMember = (body: string) => `for (var r = 0u; r < u.reps; r++) {
    let start = i * u.groupStride + r * u.repStride;
    for (var j = 0u; j < u.run; j++) { let at = start + j; ${body} }
  }`;

/** μ and the biased σ² of each group, two passes over its members (mean, then squared deviations). */
const momentsKernel = kernel({
  name: 'normalization:moments',
  inputs: f32Arrays('x'),
  outputs: f32Arrays('mean', 'variance'),
  uniforms: GROUP_UNIFORMS,
  body: `let size = f32(u.reps * u.run);
  var s = 0.0;
  ${eachMember('s += x[at];')}
  let mu = s / size;
  var q = 0.0;
  ${eachMember('let d = x[at] - mu; q += d * d;')}
  mean[i] = mu;
  variance[i] = q / size;`,
});

function groupMoments(x: GpuTensor, g: Groups): { mean: GpuTensor; variance: GpuTensor } {
  const mean = zeros(x.gpu, [g.count]);
  const variance = zeros(x.gpu, [g.count]);
  launch(x.gpu, momentsKernel, { x, mean, variance }, groupFields(g));
  return { mean, variance };
}

/** Uniforms of an elementwise kernel (count = the elements): what finds element i's statistics group k and channel c. */
const INDEX_UNIFORMS = { statCount: 'u32', statStride: 'u32', chanCount: 'u32', chanStride: 'u32', groupSize: 'u32', eps: 'f32' } as const;
const INDEX_PRELUDE = `let k = (i / u.statStride) % u.statCount;
  let c = (i / u.chanStride) % u.chanCount;
  let istd = 1.0 / sqrt(variance[k] + u.eps);`;

const indexFields = (n: number, { stats, channels }: NormLayout, eps: number) => ({
  count: n,
  statCount: stats.count,
  statStride: stats.groupStride,
  chanCount: channels.count,
  chanStride: channels.groupStride,
  groupSize: groupSize(stats),
  eps,
});

/** x̂ = (x − μ_k)·istd_k and out = γ_c·x̂ + β_c, one invocation per element. */
const normalizeKernel = kernel({
  name: 'normalization:normalize',
  inputs: f32Arrays('x', 'mean', 'variance', 'gamma', 'beta'),
  outputs: f32Arrays('xhat', 'out'),
  uniforms: INDEX_UNIFORMS,
  body: `${INDEX_PRELUDE}
  let xh = (x[i] - mean[k]) * istd;
  xhat[i] = xh;
  out[i] = gamma[c] * xh + beta[c];`,
});

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
  const xhat = zeros(x.gpu, x.shape);
  const out = zeros(x.gpu, x.shape);
  launch(x.gpu, normalizeKernel, { x, mean: stats.mean, variance: stats.variance, gamma, beta, xhat, out }, indexFields(n, layout, eps));
  return { out, cache: { xhat, gamma, variance: stats.variance, eps, layout, batchStats } };
}

/**
 * Per group: Σ w·dout and Σ w·dout·x̂, with w = γ_c (`weighted`: the statistics groups' sums of
 * g = dout·γ) or 1 (the channel sums dβ and dγ).
 */
const sumsKernel = (weighted: boolean) =>
  kernel({
    name: 'normalization:sums',
    inputs: f32Arrays('dout', 'xhat', ...(weighted ? ['gamma'] : [])),
    outputs: f32Arrays('sumG', 'sumGXhat'),
    uniforms: GROUP_UNIFORMS,
    body: `var s = 0.0;
  var sx = 0.0;
  ${eachMember(`let v = dout[at]${weighted ? ' * gamma[(at / u.chanStride) % u.chanCount]' : ''}; s += v; sx += v * xhat[at];`)}
  sumG[i] = s;
  sumGXhat[i] = sx;`,
  });

function gradSums(dout: GpuTensor, cache: NormCache, g: Groups, weighted: boolean): [GpuTensor, GpuTensor] {
  const sums: [GpuTensor, GpuTensor] = [zeros(dout.gpu, [g.count]), zeros(dout.gpu, [g.count])];
  const [sumG, sumGXhat] = sums;
  launch(
    dout.gpu,
    sumsKernel(weighted),
    { dout, xhat: cache.xhat, ...(weighted ? { gamma: cache.gamma } : {}), sumG, sumGXhat },
    groupFields(g, cache.layout.channels),
  );
  return sums;
}

/**
 * dx = istd·(g − Σg/M − x̂·Σ(g·x̂)/M) with g = dout·γ (`batchStats`), or istd·g (fixed statistics),
 * one invocation per element reading its group's two sums.
 */
const dxKernel = (batchStats: boolean) =>
  kernel({
    name: 'normalization:dx',
    inputs: f32Arrays('dout', 'gamma', 'variance', ...(batchStats ? ['xhat', 'sumG', 'sumGXhat'] : [])),
    outputs: f32Arrays('dx'),
    uniforms: INDEX_UNIFORMS,
    body: `${INDEX_PRELUDE}
  let g = dout[i] * gamma[c];
  ${batchStats ? 'let M = f32(u.groupSize);\n  dx[i] = istd * (g - sumG[k] / M - xhat[i] * sumGXhat[k] / M);' : 'dx[i] = istd * g;'}`,
  });

/** `op` names the dout shape error. */
export function normalizeBackward(op: string, dout: GpuTensor, cache: NormCache): { dx: GpuTensor; dgamma: GpuTensor; dbeta: GpuTensor } {
  const { xhat, gamma, variance, eps, layout, batchStats } = cache;
  requireShape(`${op}_backward`, 'dout', dout, xhat.shape, 'the shape of out');
  const n = numel(xhat.shape);
  return scope(() => {
    const [dbeta, dgamma] = gradSums(dout, cache, layout.channels, false);
    const groupSums = batchStats ? gradSums(dout, cache, layout.stats, true) : [];
    const dx = zeros(dout.gpu, xhat.shape);
    const sums: Record<string, GpuTensor> = batchStats ? { xhat, sumG: groupSums[0], sumGXhat: groupSums[1] } : {};
    launch(dout.gpu, dxKernel(batchStats), { dout, gamma, variance, ...sums, dx }, indexFields(n, layout, eps));
    return { dx, dgamma, dbeta };
  });
}

/** running = momentum·running + (1 − momentum)·batch, one invocation per channel. */
const runningKernel = kernel({
  name: 'normalization:running',
  inputs: f32Arrays('runMean', 'runVar', 'mean', 'variance'),
  outputs: f32Arrays('newMean', 'newVar'),
  uniforms: { momentum: 'f32' },
  body: `let m = u.momentum;
  newMean[i] = m * runMean[i] + (1.0 - m) * mean[i];
  newVar[i] = m * runVar[i] + (1.0 - m) * variance[i];`,
});

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
  const C = layout.stats.count;
  return scope(() => {
    const batch = groupMoments(x, layout.stats);
    const running_mean = zeros(x.gpu, [C]);
    const running_var = zeros(x.gpu, [C]);
    launch(
      x.gpu,
      runningKernel,
      { runMean: runningMean, runVar: runningVar, mean: batch.mean, variance: batch.variance, newMean: running_mean, newVar: running_var },
      { count: C, momentum },
    );
    const { out, cache } = normalizeForward(x, gamma, beta, batch, eps, layout, true);
    return { out, running_mean, running_var, cache };
  });
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
  // The cache keeps the variance; the mean is freed as the scope closes.
  return scope(() => normalizeForward(x, gamma, beta, groupMoments(x, layout.stats), eps, layout, true));
}
