import { tensor, type Tensor } from './tensor';
import { InputError, requireFinite, requireNumber, requirePositiveSizes, requireRank, requireShape, requireValues, type Shaped } from './validate';

/**
 * What batchnorm, spatial_batchnorm, layernorm and groupnorm share. Each one normalizes every
 * element of x with the mean and biased variance of its statistics group k, then scales and shifts
 * it by its channel c:
 *
 *   μ_k = (1/M) Σ_{i∈k} x_i,   σ²_k = (1/M) Σ_{i∈k} (x_i − μ_k)²,   istd_k = 1/√(σ²_k + eps)
 *   x̂_i = (x_i − μ_k)·istd_k,   out_i = γ_c·x̂_i + β_c
 *
 * (M elements per group). The ops differ only in how elements fall into groups and channels:
 *
 *   op                  x              statistics groups            channels (γ, β)
 *   batchnorm           (N, D)         per feature d, over N        d
 *   spatial_batchnorm   (N, C, H, W)   per channel c, over N, H, W  c
 *   layernorm           (N, D)         per sample n, over D         d
 *   groupnorm           (N, C, H, W)   per (n, group of C/G)        c
 *
 * Backward, with g_i = dout_i·γ_c the gradient with respect to x̂:
 *
 *   dβ_c = Σ_{i∈c} dout_i,   dγ_c = Σ_{i∈c} dout_i·x̂_i
 *   dx_i = istd_k·(g_i − mean_k(g) − x̂_i·mean_k(g·x̂))      statistics from x (train)
 *   dx_i = istd_k·g_i                                       fixed statistics (batchnorm test mode)
 *
 * For batchnorm γ is constant over a group, and the first line is the course's compact
 * dx = (1/N)·γ·istd·(N·dout − Σdout − x̂·Σ(dout·x̂)).
 */

/**
 * A partition of a row-major tensor's elements into `count` groups of equal size: group k is
 * `reps` runs of `run` contiguous elements, `repStride` apart, the first starting at k·groupStride.
 * Element i belongs to group ⌊i / groupStride⌋ mod count. Per channel of (N, C, inner):
 * { count C, groupStride inner, reps N, repStride C·inner, run inner }; per row of (rows, len):
 * { count rows, groupStride len, reps 1, repStride len, run len }.
 */
export interface Groups {
  readonly count: number;
  readonly groupStride: number;
  readonly reps: number;
  readonly repStride: number;
  readonly run: number;
}

/** Statistics groups and channels of one op on one shape. */
export interface NormLayout {
  readonly stats: Groups;
  readonly channels: Groups;
}

/** Channel c of an (N, C, inner) tensor: its elements over N and inner. */
export const perChannel = (N: number, C: number, inner: number): Groups => ({
  count: C,
  groupStride: inner,
  reps: N,
  repStride: C * inner,
  run: inner,
});

/** Row r of a (rows, len) tensor. */
export const perRow = (rows: number, len: number): Groups => ({ count: rows, groupStride: len, reps: 1, repStride: len, run: len });

export const groupSize = (g: Groups): number => g.reps * g.run;

export const groupOf = (g: Groups, i: number): number => Math.floor(i / g.groupStride) % g.count;

/** Calls f(i) for every element i of group k, in memory order. */
export function forEachMember(g: Groups, k: number, f: (i: number) => void): void {
  for (let r = 0; r < g.reps; r++) {
    const start = k * g.groupStride + r * g.repStride;
    for (let j = 0; j < g.run; j++) f(start + j);
  }
}

/** Cache of every normalization op; the op's backward rebuilds its layout from the shapes. */
export interface NormCache {
  xhat: Tensor;
  gamma: Tensor;
  /** 1/√(σ²_k + eps) per statistics group. */
  istd: Float64Array;
  /** True when μ and σ² came from x (train), false when they were given (batchnorm test mode). */
  batchStats: boolean;
}

/** μ_k and the biased σ²_k of every group, mean first, then the squared deviations from it. */
export function groupMoments(x: Tensor, g: Groups): { mean: Float64Array; variance: Float64Array } {
  const M = groupSize(g);
  const mean = new Float64Array(g.count);
  const variance = new Float64Array(g.count);
  for (let k = 0; k < g.count; k++) {
    forEachMember(g, k, (i) => (mean[k] += x.data[i]));
    mean[k] /= M;
    forEachMember(g, k, (i) => (variance[k] += (x.data[i] - mean[k]) ** 2));
    variance[k] /= M;
  }
  return { mean, variance };
}

/** out = γ·(x − μ)·istd + β with the given per-group statistics. */
export function normalize(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  stats: { mean: ArrayLike<number>; variance: ArrayLike<number> },
  eps: number,
  layout: NormLayout,
  batchStats: boolean,
): { out: Tensor; cache: NormCache } {
  const istd = Float64Array.from(stats.variance, (v) => 1 / Math.sqrt(v + eps));
  const xhat = tensor(x.shape);
  const out = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    const k = groupOf(layout.stats, i);
    const c = groupOf(layout.channels, i);
    xhat.data[i] = (x.data[i] - stats.mean[k]) * istd[k];
    out.data[i] = gamma.data[c] * xhat.data[i] + beta.data[c];
  }
  return { out, cache: { xhat, gamma, istd, batchStats } };
}

/** dx, dγ, dβ by the formulas at the top of this file. */
export function normalizeBackward(op: string, dout: Tensor, cache: NormCache, layout: NormLayout): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  const { xhat, gamma, istd, batchStats } = cache;
  requireShape(`${op}_backward`, 'dout', dout, xhat.shape, 'the shape of out');
  const { stats, channels } = layout;
  const dgamma = tensor(gamma.shape);
  const dbeta = tensor(gamma.shape);
  for (let c = 0; c < channels.count; c++) {
    forEachMember(channels, c, (i) => {
      dbeta.data[c] += dout.data[i];
      dgamma.data[c] += dout.data[i] * xhat.data[i];
    });
  }
  const g = (i: number) => dout.data[i] * gamma.data[groupOf(channels, i)];
  const dx = tensor(xhat.shape);
  const M = groupSize(stats);
  for (let k = 0; k < stats.count; k++) {
    let meanG = 0;
    let meanGXhat = 0;
    if (batchStats) {
      forEachMember(stats, k, (i) => {
        meanG += g(i) / M;
        meanGXhat += (g(i) * xhat.data[i]) / M;
      });
    }
    forEachMember(stats, k, (i) => (dx.data[i] = istd[k] * (g(i) - meanG - xhat.data[i] * meanGXhat)));
  }
  return { dx, dgamma, dbeta };
}

/** eps, default 1e-5, must be a number > 0 (it keeps 1/√(σ² + eps) finite). */
export function epsParam(op: string, params: { eps?: unknown }): number {
  const eps = params.eps ?? 1e-5;
  requireNumber(op, 'eps', eps, { above: 0, finite: true }, 'a finite number > 0');
  return eps;
}

/** x of the given rank with no empty dimension, γ and β of C = x.shape[channelAxis] entries, all finite. */
export function validateScaleShift(op: string, x: Shaped, gamma: Shaped, beta: Shaped, rank: number, channelAxis: number, channelName: string): number {
  requireRank(op, 'x', x, rank);
  requirePositiveSizes(op, 'x', x);
  const C = x.shape[channelAxis];
  requireShape(op, 'gamma', gamma, [C], `${channelName} = ${C} from x`);
  requireShape(op, 'beta', beta, [C], `${channelName} = ${C} from x`);
  for (const [name, t] of [
    ['x', x],
    ['gamma', gamma],
    ['beta', beta],
  ] as const)
    requireFinite(op, name, t);
  return C;
}

export interface BatchnormParams {
  mode?: unknown;
  eps?: unknown;
  momentum?: unknown;
}

export interface BatchnormSettings {
  train: boolean;
  eps: number;
  momentum: number;
}

/**
 * x (N, D) or (N, C, H, W) with channel axis 1, γ, β, running_mean, running_var of C entries
 * (running_var ≥ 0); mode "train" | "test" (no default), eps = 1e-5, momentum = 0.9 in [0, 1].
 */
export function validateBatchnormFamily(
  op: string,
  x: Shaped,
  gamma: Shaped,
  beta: Shaped,
  runningMean: Shaped,
  runningVar: Shaped,
  params: BatchnormParams,
  rank: number,
  channelName: string,
): BatchnormSettings {
  const C = validateScaleShift(op, x, gamma, beta, rank, 1, channelName);
  requireShape(op, 'running_mean', runningMean, [C], `${channelName} = ${C} from x`);
  requireShape(op, 'running_var', runningVar, [C], `${channelName} = ${C} from x`);
  requireFinite(op, 'running_mean', runningMean);
  requireFinite(op, 'running_var', runningVar);
  requireValues(op, 'running_var', runningVar, { min: 0 }, 'values ≥ 0');
  const { mode } = params;
  if (mode !== 'train' && mode !== 'test') throw new InputError(op, 'mode', '"train" or "test"', JSON.stringify(mode) ?? String(mode));
  const eps = epsParam(op, params);
  const momentum = params.momentum ?? 0.9;
  requireNumber(op, 'momentum', momentum, { min: 0, max: 1 });
  return { train: mode === 'train', eps, momentum };
}

/**
 * Train: normalize with the batch statistics and blend them into the running ones,
 *   running = momentum·running + (1 − momentum)·batch   (biased batch variance; the course's rule).
 * Test: normalize with the running statistics, which come back unchanged.
 */
export function batchnormFamilyForward(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  runningMean: Tensor,
  runningVar: Tensor,
  settings: BatchnormSettings,
  layout: NormLayout,
): { out: Tensor; running_mean: Tensor; running_var: Tensor; cache: NormCache } {
  const { train, eps, momentum } = settings;
  if (!train) {
    const { out, cache } = normalize(x, gamma, beta, { mean: runningMean.data, variance: runningVar.data }, eps, layout, false);
    return { out, running_mean: tensor(runningMean.shape, runningMean.data), running_var: tensor(runningVar.shape, runningVar.data), cache };
  }
  const batch = groupMoments(x, layout.stats);
  const blend = (running: Tensor, now: Float64Array) =>
    tensor(
      running.shape,
      running.data.map((r, c) => momentum * r + (1 - momentum) * now[c]),
    );
  const { out, cache } = normalize(x, gamma, beta, batch, eps, layout, true);
  return { out, running_mean: blend(runningMean, batch.mean), running_var: blend(runningVar, batch.variance), cache };
}

/** Statistics and channels of batchnorm on (N, D) and spatial_batchnorm on (N, C, H, W): per channel. */
export function batchnormLayout(shape: readonly number[]): NormLayout {
  const [N, C] = shape;
  const perC = perChannel(
    N,
    C,
    shape.slice(2).reduce((a, b) => a * b, 1),
  );
  return { stats: perC, channels: perC };
}
