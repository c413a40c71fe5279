import fc from 'fast-check';
import * as twin from '../accelerated/nms';
import { boxAt, iou } from '../reference/boxes';
import * as ref from '../reference/nms';
import { randintTensor, type Rng } from '../reference/rng';
import { tensor, type Tensor, type Tensors } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { copyBox, flattenBox, randomBoxes } from './boxes';
import { courseImpl, type ErrorCase, type Params, type OpDef } from './harness/op';

/**
 * What nms and batched_nms share: samples, edge cases, errors, the coverage reasons. Scores lie on
 * a grid of quarters (exact in float32, with deliberate ties: equal scores keep the lower index
 * first); the IoU threshold is moved until no IoU of the sample lies within 1e-3 of it, so float32
 * IoUs make the same decisions as float64 ones (ties near the threshold are avoided, not loosened).
 */
export const NMS_REASONS = {
  ref_bwd: 'keep holds integer indices: nothing to differentiate (docs/ops.md)',
  gradcheck: 'no backward to check',
  twin_bwd: 'no backward (as the reference)',
};

/** The threshold `t`, raised in steps of 1e-3 until it is ≥ 1e-3 from every IoU among `boxes`. */
function thresholdApart(boxes: Tensor, t: number): number {
  const K = boxes.shape[0];
  const ious: number[] = [];
  for (let i = 0; i < K; i++) for (let j = i + 1; j < K; j++) ious.push(iou(boxAt(boxes.data, i), boxAt(boxes.data, j)));
  while (ious.some((v) => Math.abs(v - t) < 1e-3)) t = Math.round(t * 1000 + 1) / 1000;
  return Math.min(t, 1);
}

/** K boxes (one pair identical, one box zero-area when K ≥ 3), quarter-grid scores, thresholds. */
export function nmsSample(K: number, threshold: number, scoreCut: number | null, rng: Rng): { inputs: Tensors; params: Params } {
  const boxes = randomBoxes(K, rng);
  if (K >= 3) {
    copyBox(boxes, 0, boxes, K - 1);
    flattenBox(boxes, 1, 0);
  }
  const scores = tensor(
    [K],
    randintTensor([K], rng, K + 2).data.map((v) => v / 4),
  );
  const params: Params = { iou_threshold: thresholdApart(boxes, threshold) };
  if (scoreCut !== null) params.score_threshold = scoreCut / 4 + 1 / 8;
  return { inputs: { boxes, scores }, params };
}

export const nmsDraws = (maxK: number) =>
  fc.record({
    K: dim(1, maxK),
    threshold: fc.constantFrom(0, 0.2, 0.45, 0.7),
    scoreCut: fc.option(dim(0, 6), { freq: 2 }),
  });

const box = (...coords: number[]) => coords;
const boxes = (...rows: number[][]) => tensor([rows.length, 4], rows.flat());

/** Hand-picked cases: identical boxes, score ties, IoU exactly at the threshold, zero-area boxes, all dropped. */
export const NMS_EDGE_INPUTS: Array<{ inputs: Tensors; params: Params }> = [
  // docs/ops.md's pair (IoU 0.42): suppressed at 0.4, both kept at 0.5.
  { inputs: { boxes: boxes(box(70, 70, 160, 150), box(40, 60, 140, 130)), scores: tensor([2], [0.6, 0.9]) }, params: { iou_threshold: 0.4 } },
  { inputs: { boxes: boxes(box(70, 70, 160, 150), box(40, 60, 140, 130)), scores: tensor([2], [0.6, 0.9]) }, params: { iou_threshold: 0.5 } },
  // Identical boxes with equal scores: the lower index is kept; the disjoint box stays.
  { inputs: { boxes: boxes(box(0, 0, 2, 2), box(5, 5, 6, 6), box(0, 0, 2, 2)), scores: tensor([3], [0.5, 0.25, 0.5]) }, params: { iou_threshold: 0.5 } },
  // IoU exactly 0.5 = threshold: not suppressed (strict >).
  { inputs: { boxes: boxes(box(0, 0, 2, 2), box(0, 0, 2, 1)), scores: tensor([2], [1, 2]) }, params: { iou_threshold: 0.5 } },
  // Zero-area boxes have IoU 0 with everything: all kept, by descending score.
  { inputs: { boxes: boxes(box(1, 1, 1, 3), box(0, 0, 4, 4), box(1, 2, 3, 2)), scores: tensor([3], [0.1, 0.3, 0.2]) }, params: { iou_threshold: 0 } },
  // A chain: 0 suppresses 1, so 1 cannot suppress 2.
  { inputs: { boxes: boxes(box(0, 0, 4, 4), box(1, 0, 5, 4), box(2.5, 0, 6.5, 4)), scores: tensor([3], [3, 2, 1]) }, params: { iou_threshold: 0.5 } },
  // Every score at or below score_threshold: nothing kept.
  { inputs: { boxes: boxes(box(0, 0, 1, 1), box(2, 2, 3, 3)), scores: tensor([2], [0.5, 0.25]) }, params: { iou_threshold: 0.5, score_threshold: 0.5 } },
];

/** Error cases of `op` around valid inputs `ok` (boxes, scores and any extra inputs). */
export function nmsErrors(op: string, ok: Tensors): ErrorCase[] {
  const params = { iou_threshold: 0.5 };
  return [
    { title: 'boxes of rank 1', sample: makeSample({ ...ok, boxes: tensor([4]) }, params), message: `${op}: boxes: expected rank 2, got rank 1 (shape [4])` },
    {
      title: 'scores length differs from K',
      sample: makeSample({ ...ok, scores: tensor([3]) }, params),
      message: `${op}: scores: expected shape [2] (K = 2 from boxes), got [3]`,
    },
    {
      title: 'y2 < y1',
      sample: makeSample({ ...ok, boxes: boxes(box(0, 0, 1, 1), box(2, 3, 3, 2)) }, params),
      message: `${op}: boxes: expected boxes with x1 ≤ x2 and y1 ≤ y2, got [2, 3, 3, 2] at [1]`,
    },
    { title: 'iou_threshold missing', sample: makeSample(ok, {}), message: `${op}: iou_threshold: expected a number ≥ 0 and ≤ 1, got undefined` },
    { title: 'iou_threshold above 1', sample: makeSample(ok, { iou_threshold: 1.5 }), message: `${op}: iou_threshold: expected a number ≥ 0 and ≤ 1, got 1.5` },
    {
      title: 'score_threshold not a number',
      sample: makeSample(ok, { ...params, score_threshold: 'high' }),
      message: `${op}: score_threshold: expected a number, got "high"`,
    },
    {
      title: 'NaN score',
      sample: makeSample({ ...ok, scores: tensor([2], [0.5, NaN]) }, params),
      message: `${op}: scores: expected finite values, got NaN at [1]`,
    },
  ];
}

const io = [['boxes', 'scores'], ['keep']] as const;
const ok = { boxes: boxes(box(0, 0, 1, 1), box(2, 2, 3, 3)), scores: tensor([2], [0.5, 0.25]) };

const nmsSamples = (maxK: number) => samples(nmsDraws(maxK), ({ K, threshold, scoreCut }, rng) => nmsSample(K, threshold, scoreCut, rng));

export const nms: OpDef = {
  id: 'nms',
  inputs: [
    { name: 'boxes', kind: 'float', differentiable: false },
    { name: 'scores', kind: 'float', differentiable: false },
  ],
  outputs: ['keep'],
  reference: courseImpl(...io, ref.nmsNaiveForward),
  variants: { vectorized: courseImpl(...io, ref.nmsVectorizedForward) },
  twin: {
    async forward({ boxes, scores }, params) {
      const { keep } = await twin.nmsForward(boxes, scores, params);
      return { outputs: { keep }, cache: null };
    },
  },
  validate: ({ boxes, scores }, params) => void ref.validateNms('nms', boxes, scores, params),
  // Up to 70 boxes: the suppression mask spans three 32-bit words per row.
  sample: nmsSamples(70),
  gradSample: nmsSamples(10),
  edgeCases: NMS_EDGE_INPUTS.map(({ inputs, params }) => makeSample(inputs, params)),
  errors: nmsErrors('nms', ok),
  reasons: NMS_REASONS,
};
