import * as twin from '../accelerated/roi_pool';
import * as ref from '../reference/roi_pool';
import type { Rng } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';
import { makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';
import { randomRois, roiDraws, type RoiDraw } from './rois';

/**
 * Samples that float32 pools exactly as float64: roi corners on a quarter-pixel grid of the feature
 * map (exact in float32; halves exercise C's round, half away from zero), rois redrawn until every
 * bin edge floor(i·n/bins), ceil((i + 1)·n/bins) comes out the same in float32; and features that
 * are a shuffled ladder of steps 0.05 per plane, so every bin has a unique maximum, well clear of
 * the gradient check's step (no kink).
 */
function steadyBins(lo: number, hi: number, scale: number, bins: number): boolean {
  const n = Math.max(ref.roundHalfAway(hi * scale) - ref.roundHalfAway(lo * scale) + 1, 1);
  const [b64, b32] = [n / bins, Math.fround(n / bins)];
  for (let i = 0; i <= bins; i++) {
    if (Math.floor(i * b64) !== Math.floor(Math.fround(i * b32)) || Math.ceil(i * b64) !== Math.ceil(Math.fround(i * b32))) return false;
  }
  return true;
}

const onQuarterGrid = (roi: number[], scale: number): number[] => roi.map((v, j) => (j === 0 ? v : Math.round(v * scale * 4) / 4 / scale));

function ladder(shape: readonly number[], rng: Rng): Tensor {
  const [N, C, H, W] = shape;
  const t = tensor(shape);
  for (let p = 0; p < N * C; p++) {
    const steps = Array.from({ length: H * W }, (_, e) => e);
    for (let e = steps.length - 1; e > 0; e--) {
      const r = Math.floor(rng() * (e + 1));
      [steps[e], steps[r]] = [steps[r], steps[e]];
    }
    steps.forEach((v, e) => {
      t.data[p * H * W + e] = (v - (H * W) / 2) * 0.05;
    });
  }
  return t;
}

const poolSamples = (max: Parameters<typeof roiDraws>[0]) =>
  samples(roiDraws(max), (d: RoiDraw, rng) => {
    const scale = d.spatial_scale;
    const steady = (roi: number[]) => steadyBins(roi[2], roi[4], scale, d.ph) && steadyBins(roi[1], roi[3], scale, d.pw);
    const rois = randomRois(d, rng, steady, (roi) => onQuarterGrid(roi, scale));
    return { inputs: { features: ladder([d.N, d.C, d.H, d.W], rng), rois }, params: { output_size: [d.ph, d.pw], spatial_scale: scale } };
  });

const io = [['features', 'rois'], ['out']] as const;
const plane = tensor(
  [1, 2, 4, 4],
  Array.from({ length: 32 }, (_, i) => ((i * 7) % 32) * 0.25 - 4),
);
const ok = { features: tensor([1, 2, 3, 3]), rois: tensor([1, 5], [0, 0, 0, 2, 2]) };
const params = { output_size: [2, 2] };

export const roi_pool: OpDef = {
  id: 'roi_pool',
  inputs: [
    { name: 'features', kind: 'float', differentiable: true },
    { name: 'rois', kind: 'float', differentiable: false },
  ],
  outputs: ['out'],
  reference: courseImpl(...io, ref.roiPoolForward, ref.roiPoolBackward),
  twin: courseImpl(...io, twin.roiPoolForward, twin.roiPoolBackward),
  validate: ({ features, rois }, p) => void ref.validateRoiPool(features, rois, p),
  sample: poolSamples({ N: 2, C: 4, H: 12, W: 12, K: 6, out: 4 }),
  gradSample: poolSamples({ N: 2, C: 2, H: 5, W: 5, K: 3, out: 3 }),
  edgeCases: [
    // Corners at halves: round(0.5) = 1, round(−0.5) = −1, round(2.5) = 3, round(1.5) = 2 (C's round; JS Math.round(−0.5) is −0).
    makeSample({ features: plane, rois: tensor([1, 5], [0, 0.5, -0.5, 2.5, 1.5]) }, { output_size: [2, 2] }),
    // Partly outside (clamped bins) and wholly outside (empty bins: 0, no gradient).
    makeSample({ features: plane, rois: tensor([2, 5], [0, -3, 2, 1, 6, 0, 5, 5, 9, 9]) }, { output_size: [2, 3] }),
    // More bins than roi pixels: overlapping one-pixel bins; spatial_scale 0.5 with 3·0.5 = 1.5 rounding to 2.
    makeSample({ features: plane, rois: tensor([1, 5], [0, 3, 3, 3, 5]) }, { output_size: [3, 3], spatial_scale: 0.5 }),
  ],
  kinks: {
    convention: 'on a tie the first maximum of a bin in row-major order is its argmax and takes the gradient (as max_pool2d)',
    // One bin over the whole 2×2 plane, whose values are all 2: the gradient goes to element (0, 0).
    cases: [makeSample({ features: tensor([1, 1, 2, 2], [2, 2, 2, 2]), rois: tensor([1, 5], [0, 0, 0, 1, 1]) }, { output_size: [1, 1] })],
  },
  errors: [
    {
      title: 'features of rank 3',
      sample: makeSample({ ...ok, features: tensor([2, 3, 3]) }, params),
      message: 'roi_pool: features: expected rank 4, got rank 3 (shape [2, 3, 3])',
    },
    { title: 'rois of rank 1', sample: makeSample({ ...ok, rois: tensor([5]) }, params), message: 'roi_pool: rois: expected rank 2, got rank 1 (shape [5])' },
    {
      title: 'fractional batch index',
      sample: makeSample({ ...ok, rois: tensor([1, 5], [0.5, 0, 0, 2, 2]) }, params),
      message: 'roi_pool: rois: expected batch indices in [0, 0] (N = 1 from features), got 0.5 at [0, 0]',
    },
    {
      title: 'output_size of one number',
      sample: makeSample(ok, { output_size: [2] }),
      message: 'roi_pool: output_size: expected [ph, pw], integers ≥ 1, got [2]',
    },
    { title: 'spatial_scale 0', sample: makeSample(ok, { ...params, spatial_scale: 0 }), message: 'roi_pool: spatial_scale: expected a number > 0, got 0' },
    {
      title: 'NaN in rois',
      sample: makeSample({ ...ok, rois: tensor([1, 5], [0, 0, NaN, 2, 2]) }, params),
      message: 'roi_pool: rois: expected finite values, got NaN at [0, 2]',
    },
  ],
};
