import fc from 'fast-check';
import * as ref from '../reference/mean_average_precision';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { randomBoxes } from './boxes';
import { courseImpl, type OpDef } from './harness/op';

/**
 * Ground truth over a few images and classes; per ground-truth box 0–2 detections jittered around
 * it (hits, duplicates, misses), plus stray detections anywhere, with scores in (0, 1).
 */
const mapSamples = (maxG: number) =>
  samples(
    fc.record({ G: dim(1, maxG), images: dim(1, 3), classes: dim(1, 3), strays: dim(0, 4), iou_threshold: fc.constantFrom(0.5, 0.3, 0.7) }),
    ({ G, images, classes, strays, iou_threshold }, rng) => {
      const boxes = randomBoxes(G, rng, 2);
      const truth: number[] = [];
      const dets: number[] = [];
      const id = (n: number) => Math.floor(rng() * n);
      for (let g = 0; g < G; g++) {
        const [image, cls] = [id(images), id(classes)];
        const box = Array.from(boxes.data.subarray(4 * g, 4 * g + 4));
        truth.push(image, cls, ...box);
        for (let n = id(3); n > 0; n--) {
          const [dx, dy] = [2 * rng() - 1, 2 * rng() - 1];
          dets.push(image, cls, rng(), box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy);
        }
      }
      const stray = randomBoxes(strays, rng);
      for (let n = 0; n < strays; n++) dets.push(id(images), id(classes), rng(), ...stray.data.subarray(4 * n, 4 * n + 4));
      return {
        inputs: { detections: tensor([dets.length / 7, 7], dets), ground_truth: tensor([G, 6], truth) },
        params: { iou_threshold },
      };
    },
  );

/** The hand-worked cases of spec/detection.test.ts: two ground truths of class 0, a duplicate, a miss. */
export const MAP_HAND_CASES = {
  // d0 hits A, d1 hits A again (false positive), d2 hits B: precision 1, ½, ⅔ at recall ½, ½, 1 → AP = ½·1 + ½·⅔ = 5/6.
  duplicate: {
    detections: tensor([3, 7], [0, 0, 0.9, 0, 0, 10, 10, 0, 0, 0.8, 1, 0, 10, 10, 0, 0, 0.7, 20, 20, 30, 30]),
    ground_truth: tensor([2, 6], [0, 0, 0, 0, 10, 10, 0, 0, 20, 20, 30, 30]),
  },
  // Adds class 1: its only detection is in another image → AP 0; mAP = (5/6 + 0)/2 = 5/12.
  twoClasses: {
    detections: tensor([4, 7], [0, 0, 0.9, 0, 0, 10, 10, 0, 0, 0.8, 1, 0, 10, 10, 0, 0, 0.7, 20, 20, 30, 30, 1, 1, 0.95, 5, 5, 9, 9]),
    ground_truth: tensor([3, 6], [0, 0, 0, 0, 10, 10, 0, 0, 20, 20, 30, 30, 0, 1, 5, 5, 9, 9]),
  },
  // One detection overlaps two adjacent ground truths equally (IoU ⅓ each) and is matched to the
  // first; the second detection then matches the second exactly: AP 1 (matched to the last, the
  // second detection would be a duplicate: AP ½).
  tiedTruths: {
    detections: tensor([2, 7], [0, 0, 0.9, 1, 0, 3, 2, 0, 0, 0.8, 2, 0, 4, 2]),
    ground_truth: tensor([2, 6], [0, 0, 0, 0, 2, 2, 0, 0, 2, 0, 4, 2]),
  },
  // A point-sized ground truth is valid, and no detection can match it (IoU 0): recall stops at ½.
  pointTruth: {
    detections: tensor([1, 7], [0, 0, 0.9, 0, 0, 2, 2]),
    ground_truth: tensor([2, 6], [0, 0, 0, 0, 2, 2, 0, 0, 1, 1, 1, 1]),
  },
};

const ok = { detections: tensor([1, 7], [0, 0, 0.5, 0, 0, 1, 1]), ground_truth: tensor([1, 6], [0, 0, 0, 0, 1, 1]) };

export const mean_average_precision: OpDef = {
  id: 'mean_average_precision',
  inputs: [
    { name: 'detections', kind: 'float', differentiable: false },
    { name: 'ground_truth', kind: 'float', differentiable: false },
  ],
  outputs: ['map'],
  reference: courseImpl(['detections', 'ground_truth'], ['map'], ref.meanAveragePrecisionForward),
  validate: ({ detections, ground_truth }, p) => void ref.validateMeanAveragePrecision(detections, ground_truth, p),
  sample: mapSamples(20),
  gradSample: mapSamples(5),
  edgeCases: [
    makeSample(MAP_HAND_CASES.duplicate),
    makeSample(MAP_HAND_CASES.twoClasses),
    makeSample(MAP_HAND_CASES.tiedTruths, { iou_threshold: 0.3 }),
    makeSample(MAP_HAND_CASES.pointTruth),
    // No detections at all: AP 0.
    makeSample({ detections: tensor([0, 7]), ground_truth: ok.ground_truth }),
    // IoU exactly 0.5 is not a match (VOC's strict >): map 0; at iou_threshold 0.4 it is: map 1.
    makeSample({ detections: tensor([1, 7], [0, 0, 0.5, 0, 0, 2, 1]), ground_truth: tensor([1, 6], [0, 0, 0, 0, 2, 2]) }),
    makeSample({ detections: tensor([1, 7], [0, 0, 0.5, 0, 0, 2, 1]), ground_truth: tensor([1, 6], [0, 0, 0, 0, 2, 2]) }, { iou_threshold: 0.4 }),
  ],
  errors: [
    {
      title: 'detections with 6 columns',
      sample: makeSample({ ...ok, detections: tensor([1, 6]) }),
      message: 'mean_average_precision: detections: expected shape [D, 7], got [1, 6]',
    },
    {
      title: 'ground_truth with 5 columns',
      sample: makeSample({ ...ok, ground_truth: tensor([1, 5]) }),
      message: 'mean_average_precision: ground_truth: expected shape [G, 6], got [1, 5]',
    },
    {
      title: 'negative image id in ground_truth',
      sample: makeSample({ ...ok, ground_truth: tensor([1, 6], [-1, 0, 0, 0, 1, 1]) }),
      message: 'mean_average_precision: ground_truth: expected integer image and class ids ≥ 0, got -1 at [0, 0]',
    },
    {
      title: 'y2 < y1 in detections',
      sample: makeSample({ ...ok, detections: tensor([1, 7], [0, 0, 0.5, 0, 1, 1, 0]) }),
      message: 'mean_average_precision: detections: expected boxes with x1 ≤ x2 and y1 ≤ y2, got [0, 0, 0.5, 0, 1, 1, 0] at [0]',
    },
    {
      title: 'ground_truth of rank 1',
      sample: makeSample({ ...ok, ground_truth: tensor([6]) }),
      message: 'mean_average_precision: ground_truth: expected rank 2, got rank 1 (shape [6])',
    },
    {
      title: 'no ground truth',
      sample: makeSample({ ...ok, ground_truth: tensor([0, 6]) }),
      message: 'mean_average_precision: ground_truth: expected a non-empty tensor, got shape [0, 6]',
    },
    {
      title: 'fractional class id',
      sample: makeSample({ ...ok, detections: tensor([1, 7], [0, 1.5, 0.5, 0, 0, 1, 1]) }),
      message: 'mean_average_precision: detections: expected integer image and class ids ≥ 0, got 1.5 at [0, 1]',
    },
    {
      title: 'x2 < x1 in ground_truth',
      sample: makeSample({ ...ok, ground_truth: tensor([1, 6], [0, 0, 2, 0, 1, 1]) }),
      message: 'mean_average_precision: ground_truth: expected boxes with x1 ≤ x2 and y1 ≤ y2, got [0, 0, 2, 0, 1, 1] at [0]',
    },
    {
      title: 'iou_threshold above 1',
      sample: makeSample(ok, { iou_threshold: 2 }),
      message: 'mean_average_precision: iou_threshold: expected a number ≥ 0 and ≤ 1, got 2',
    },
    {
      title: 'NaN score',
      sample: makeSample({ ...ok, detections: tensor([1, 7], [0, 0, NaN, 0, 0, 1, 1]) }),
      message: 'mean_average_precision: detections: expected finite values, got NaN at [0, 2]',
    },
  ],
  reasons: {
    ref_bwd: 'mAP is piecewise constant in scores and boxes (a count of ranked matches): its gradient is 0 almost everywhere',
    gradcheck: 'no backward to check',
    twin_fwd: 'pure bookkeeping — a sort, greedy matching and running counts, sequential by nature: nothing for a kernel (docs/ops.md allows no twin here)',
    twin_bwd: 'no backward and no twin',
    property: 'no twin to compare; the hand-worked cases of spec/detection.test.ts and the PyTorch-side VOC oracle check it',
  },
};
