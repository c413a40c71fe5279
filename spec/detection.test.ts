import { describe, expect, it } from 'vitest';
import { boxDecodeForward } from '../reference/box_decode';
import { boxEncodeForward } from '../reference/box_encode';
import { boxIouForward } from '../reference/box_iou';
import { meanAveragePrecisionForward } from '../reference/mean_average_precision';
import { tensor } from '../reference/tensor';
import { MAP_HAND_CASES } from './mean_average_precision';

/** Hand-worked values of docs/ops.md "Detection" that the random checks cannot pin down. */
describe('detection hand-worked cases', () => {
  it('box_iou: (70, 70, 160, 150) vs (40, 60, 140, 130) is 0.42', () => {
    const { out } = boxIouForward(tensor([1, 4], [70, 70, 160, 150]), tensor([1, 4], [40, 60, 140, 130]));
    expect(out.data[0]).toBeCloseTo(0.42, 12);
  });

  it('box_encode / box_decode: decoding the encoded deltas gives the boxes back', () => {
    const boxes = tensor([3, 4], [0, -2, 4, 2, 10.5, 3, 30, 4.25, -7, -7, -6.5, 12]);
    const anchors = tensor([3, 4], [0, 0, 2, 2, 12, 1, 20, 9, -10, -3, 0, 1]);
    const { deltas } = boxEncodeForward(boxes, anchors);
    expect(Array.from(deltas.data.slice(0, 4))).toEqual([0.5, -0.5, Math.LN2, Math.LN2]);
    const back = boxDecodeForward(deltas, anchors).boxes;
    back.data.forEach((v, i) => expect(v).toBeCloseTo(boxes.data[i], 12));
  });

  it('mean_average_precision: a duplicate detection is a false positive (AP 5/6)', () => {
    const { detections, ground_truth } = MAP_HAND_CASES.duplicate;
    expect(meanAveragePrecisionForward(detections, ground_truth).map.data[0]).toBeCloseTo(5 / 6, 12);
  });

  it('mean_average_precision: a class whose only detection is in another image has AP 0 (mAP 5/12)', () => {
    const { detections, ground_truth } = MAP_HAND_CASES.twoClasses;
    expect(meanAveragePrecisionForward(detections, ground_truth).map.data[0]).toBeCloseTo(5 / 12, 12);
  });

  it('mean_average_precision: a detection tied between two ground truths takes the first, leaving the second to match (AP 1)', () => {
    const { detections, ground_truth } = MAP_HAND_CASES.tiedTruths;
    expect(meanAveragePrecisionForward(detections, ground_truth, { iou_threshold: 0.3 }).map.data[0]).toBe(1);
  });

  it('mean_average_precision: a point-sized ground truth is never matched (AP ½)', () => {
    const { detections, ground_truth } = MAP_HAND_CASES.pointTruth;
    expect(meanAveragePrecisionForward(detections, ground_truth).map.data[0]).toBe(0.5);
  });

  it('mean_average_precision: a missed ground truth caps recall at ½ (AP ½); IoU exactly at the threshold misses', () => {
    const truth = tensor([2, 6], [0, 0, 0, 0, 10, 10, 1, 0, 0, 0, 10, 10]);
    expect(meanAveragePrecisionForward(tensor([1, 7], [1, 0, 0.3, 0, 0, 10, 10]), truth).map.data[0]).toBe(0.5);
    const half = tensor([1, 7], [0, 0, 0.5, 0, 0, 10, 5]);
    expect(meanAveragePrecisionForward(half, truth).map.data[0]).toBe(0);
    expect(meanAveragePrecisionForward(half, truth, { iou_threshold: 0.4 }).map.data[0]).toBe(0.5);
  });
});
