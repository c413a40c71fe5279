import fc from 'fast-check';
import * as twin from '../accelerated/roi_align';
import * as ref from '../reference/roi_align';
import { randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';
import { apart, randomRois, roiDraws, type RoiDraw } from './rois';

/**
 * RoI Align is linear in the features, so the gradient check needs no care; the twin comparison
 * does: float32 must pick the same sample grid and the same inside/outside decisions. So each roi
 * is redrawn until no sample point lies within 1e-3 of the cut-offs −1 and H (W) and, with an
 * adaptive grid, no roi size / output size within 1e-3 of the integer where its ceiling steps.
 */
function steadyGeometry(roi: number[], s: ref.RoiAlignSettings): boolean {
  const g = ref.alignGeometry(roi, s);
  if (s.samplingRatio <= 0 && !(apart(g.binH, [Math.round(g.binH)]) && apart(g.binW, [Math.round(g.binW)]))) return false;
  for (let i = 0; i < s.ph; i++) {
    for (let j = 0; j < s.pw; j++) {
      for (let iy = 0; iy < g.gridH; iy++) {
        for (let ix = 0; ix < g.gridW; ix++) {
          const [y, x] = ref.samplePoint(g, i, j, iy, ix);
          if (!apart(y, [-1, s.H]) || !apart(x, [-1, s.W])) return false;
        }
      }
    }
  }
  return true;
}

const alignSamples = (max: Parameters<typeof roiDraws>[0]) =>
  samples(
    fc.record({ d: roiDraws(max), sampling_ratio: fc.constantFrom(-1, 1, 2, 3), aligned: fc.boolean() }),
    ({ d, sampling_ratio, aligned }: { d: RoiDraw; sampling_ratio: number; aligned: boolean }, rng) => {
      const params = { output_size: [d.ph, d.pw], spatial_scale: d.spatial_scale, sampling_ratio, aligned };
      const features = randnTensor([d.N, d.C, d.H, d.W], rng);
      const settings = ref.validateRoiAlign(features, tensor([1, 5]), params);
      return { inputs: { features, rois: randomRois(d, rng, (roi) => steadyGeometry(roi, settings)) }, params };
    },
  );

const io = [['features', 'rois'], ['out']] as const;
const plane = tensor(
  [1, 1, 4, 4],
  Array.from({ length: 16 }, (_, i) => i * 0.5 - 3),
);
/** Two rois at spatial_scale 0.5, the second reaching beyond the last row and column of `plane`. */
const beyondTheEdge = tensor([2, 5], [0, 2, 0, 6, 8, 0, 4, 4, 7.5, 7.5]);
const ok = { features: tensor([1, 2, 3, 3]), rois: tensor([1, 5], [0, 0, 0, 2, 2]) };
const params = { output_size: [2, 2] };

export const roi_align: OpDef = {
  id: 'roi_align',
  inputs: [
    { name: 'features', kind: 'float', differentiable: true },
    { name: 'rois', kind: 'float', differentiable: false },
  ],
  outputs: ['out'],
  reference: courseImpl(...io, ref.roiAlignForward, ref.roiAlignBackward),
  twin: courseImpl(...io, twin.roiAlignForward, twin.roiAlignBackward),
  validate: ({ features, rois }, p) => void ref.validateRoiAlign(features, rois, p),
  sample: alignSamples({ N: 2, C: 4, H: 12, W: 12, K: 6, out: 4 }),
  gradSample: alignSamples({ N: 2, C: 2, H: 5, W: 5, K: 3, out: 2 }),
  edgeCases: [
    // Grid 2×2 per bin, roi half outside the top-left corner; aligned (−0.5) and not.
    makeSample({ features: plane, rois: tensor([1, 5], [0, -1, -1, 2, 2]) }, { output_size: [2, 2], sampling_ratio: 2, aligned: false }),
    makeSample({ features: plane, rois: tensor([1, 5], [0, -1, -1, 2, 2]) }, { output_size: [2, 2], sampling_ratio: 2, aligned: true }),
    // Wholly outside the map: zeros.
    makeSample({ features: plane, rois: tensor([1, 5], [0, 8, 8, 12, 12]) }, { output_size: [2, 2], sampling_ratio: 2 }),
    // A zero-size roi: aligned keeps size 0 (adaptive grid 0: out 0), unaligned clamps it to 1 pixel.
    makeSample({ features: plane, rois: tensor([1, 5], [0, 1, 1, 1, 1]) }, { output_size: [1, 1], aligned: true }),
    makeSample({ features: plane, rois: tensor([1, 5], [0, 1, 1, 1, 1]) }, { output_size: [2, 2], aligned: false }),
    // spatial_scale 0.5, adaptive grid (2×1 points per bin), beyond the last row and column.
    makeSample({ features: plane, rois: beyondTheEdge }, { output_size: [2, 2], spatial_scale: 0.5 }),
    // sampling_ratio 0 is adaptive, as −1 (torchvision uses a fixed grid only when it is > 0).
    makeSample({ features: plane, rois: beyondTheEdge }, { output_size: [2, 2], spatial_scale: 0.5, sampling_ratio: 0 }),
  ],
  kinks: {
    convention:
      'a sample point exactly one pixel outside the map (y = −1 or H, x = −1 or W) still reads the border pixel: the cut-off is strict, as torchvision',
    // One sample point per roi, at y = −1, y = H, x = −1 and x = W of the 4×4 plane in turn.
    cases: [
      makeSample(
        { features: plane, rois: tensor([4, 5], [0, 0.5, -1.5, 1.5, -0.5, 0, 0.5, 3.5, 1.5, 4.5, 0, -1.5, 0.5, -0.5, 1.5, 0, 3.5, 0.5, 4.5, 1.5]) },
        { output_size: [1, 1], sampling_ratio: 1 },
      ),
    ],
  },
  errors: [
    {
      title: 'features of rank 3',
      sample: makeSample({ ...ok, features: tensor([2, 3, 3]) }, params),
      message: 'roi_align: features: expected rank 4, got rank 3 (shape [2, 3, 3])',
    },
    {
      title: 'rois with 4 columns',
      sample: makeSample({ ...ok, rois: tensor([1, 4]) }, params),
      message: 'roi_align: rois: expected shape [K, 5], got [1, 4]',
    },
    {
      title: 'batch index out of range',
      sample: makeSample({ ...ok, rois: tensor([1, 5], [1, 0, 0, 2, 2]) }, params),
      message: 'roi_align: rois: expected batch indices in [0, 0] (N = 1 from features), got 1 at [0, 0]',
    },
    {
      title: 'empty features',
      sample: makeSample({ ...ok, features: tensor([1, 0, 3, 3]) }, params),
      message: 'roi_align: features: expected a non-empty tensor, got shape [1, 0, 3, 3]',
    },
    {
      title: 'no rois',
      sample: makeSample({ ...ok, rois: tensor([0, 5]) }, params),
      message: 'roi_align: rois: expected a non-empty tensor, got shape [0, 5]',
    },
    {
      title: 'negative batch index',
      sample: makeSample({ ...ok, rois: tensor([1, 5], [-1, 0, 0, 2, 2]) }, params),
      message: 'roi_align: rois: expected batch indices in [0, 0] (N = 1 from features), got -1 at [0, 0]',
    },
    {
      title: 'y2 < y1',
      sample: makeSample({ ...ok, rois: tensor([1, 5], [0, 0, 2, 2, 1]) }, params),
      message: 'roi_align: rois: expected rois with x1 ≤ x2 and y1 ≤ y2, got [0, 0, 2, 2, 1] at [0]',
    },
    {
      title: 'output_size with a 0',
      sample: makeSample(ok, { output_size: [2, 0] }),
      message: 'roi_align: output_size: expected [ph, pw], integers ≥ 1, got [2,0]',
    },
    {
      title: 'output_size with a fraction',
      sample: makeSample(ok, { output_size: [1.5, 2] }),
      message: 'roi_align: output_size: expected [ph, pw], integers ≥ 1, got [1.5,2]',
    },
    {
      title: 'x2 < x1',
      sample: makeSample({ ...ok, rois: tensor([1, 5], [0, 2, 0, 1, 2]) }, params),
      message: 'roi_align: rois: expected rois with x1 ≤ x2 and y1 ≤ y2, got [0, 2, 0, 1, 2] at [0]',
    },
    { title: 'output_size missing', sample: makeSample(ok, {}), message: 'roi_align: output_size: expected [ph, pw], integers ≥ 1, got undefined' },
    {
      title: 'sampling_ratio −2',
      sample: makeSample(ok, { ...params, sampling_ratio: -2 }),
      message: 'roi_align: sampling_ratio: expected an integer ≥ -1, got -2',
    },
    { title: 'spatial_scale 0', sample: makeSample(ok, { ...params, spatial_scale: 0 }), message: 'roi_align: spatial_scale: expected a number > 0, got 0' },
    { title: 'aligned not a boolean', sample: makeSample(ok, { ...params, aligned: 1 }), message: 'roi_align: aligned: expected true or false, got 1' },
    {
      title: 'NaN in features',
      sample: makeSample(
        {
          ...ok,
          features: tensor(
            [1, 2, 3, 3],
            Array.from({ length: 18 }, (_, i) => (i === 4 ? NaN : 0)),
          ),
        },
        params,
      ),
      message: 'roi_align: features: expected finite values, got NaN at [0, 0, 1, 1]',
    },
  ],
};
