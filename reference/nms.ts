import { boxAt, iou, validateBoxes } from './boxes';
import { hyper } from './hyperparams';
import { tensor, type Tensor } from './tensor';
import { requireFinite, requireShape, type Shaped } from './validate';

/**
 * Greedy non-maximum suppression (docs/ops.md "Detection"; torchvision.ops.nms plus a score threshold).
 * keep holds box indices, highest score first. Integer output: no backward.
 */
export interface NmsParams {
  /** Required: a box is suppressed by a kept box when their IoU > iou_threshold (strictly), 0 ≤ t ≤ 1. */
  iou_threshold?: number;
  /**
   * Boxes with score ≤ score_threshold are dropped first. Default −∞ (keep all), given by leaving
   * the param out: case files are JSON, which has no −Infinity.
   */
  score_threshold?: number;
}

export interface NmsSettings {
  K: number;
  iouThreshold: number;
  scoreThreshold: number;
}

/** boxes (K, 4) as reference/boxes.ts (zero-area allowed), scores (K) finite, the thresholds. */
export function validateNms(op: string, boxes: Shaped, scores: Shaped, params: NmsParams): NmsSettings {
  const K = validateBoxes(op, 'boxes', boxes);
  requireShape(op, 'scores', scores, [K], `K = ${K} from boxes`);
  requireFinite(op, 'scores', scores);
  const iouThreshold = hyper(op, params, 'iou_threshold', undefined, { min: 0, max: 1 });
  const scoreThreshold = params.score_threshold === undefined ? -Infinity : hyper(op, params, 'score_threshold', undefined);
  return { K, iouThreshold, scoreThreshold };
}

/**
 * Indices of the boxes with score > scoreThreshold, by descending score; equal scores by index
 * (Array.prototype.sort is stable since ES2019, and the indices start in ascending order).
 */
export function candidateOrder(scores: Tensor, scoreThreshold: number): number[] {
  return Array.from(scores.data.keys())
    .filter((k) => scores.data[k] > scoreThreshold)
    .sort((a, b) => scores.data[b] - scores.data[a]);
}

/**
 * Greedy NMS, written plainly: walk the candidates by descending score; keep one unless a box kept
 * before it overlaps it with IoU > iou_threshold.
 */
export function greedyNaive(boxes: Tensor, order: readonly number[], iouThreshold: number): number[] {
  const keep: number[] = [];
  for (const j of order) {
    const box = boxAt(boxes.data, j);
    if (keep.every((i) => iou(boxAt(boxes.data, i), box) <= iouThreshold)) keep.push(j);
  }
  return keep;
}

/**
 * Greedy NMS as torchvision computes it: first the suppression matrix of the candidates in score
 * order, suppress[p][q] = (q after p) ∧ IoU > iou_threshold; then one pass that keeps each
 * candidate not yet removed and removes every candidate its row marks.
 */
export function greedyVectorized(boxes: Tensor, order: readonly number[], iouThreshold: number): number[] {
  const n = order.length;
  const suppress = order.map((i, p) => order.map((j, q) => q > p && iou(boxAt(boxes.data, i), boxAt(boxes.data, j)) > iouThreshold));
  const removed = new Array<boolean>(n).fill(false);
  const keep: number[] = [];
  for (let p = 0; p < n; p++) {
    if (removed[p]) continue;
    keep.push(order[p]);
    suppress[p].forEach((s, q) => {
      removed[q] ||= s;
    });
  }
  return keep;
}

function nms(greedy: typeof greedyNaive, boxes: Tensor, scores: Tensor, params: NmsParams): { keep: Tensor; cache: null } {
  const { iouThreshold, scoreThreshold } = validateNms('nms', boxes, scores, params);
  const keep = greedy(boxes, candidateOrder(scores, scoreThreshold), iouThreshold);
  return { keep: tensor([keep.length], keep), cache: null };
}

/**
 * keep = greedy NMS of boxes (K, 4) by scores (K): candidates are the boxes with score >
 * score_threshold in descending score order (equal scores: lower index first); each is kept unless
 * a kept box has IoU > iou_threshold with it. Naive: IoU with each kept box as it goes.
 */
export function nmsNaiveForward(boxes: Tensor, scores: Tensor, params: NmsParams = {}): { keep: Tensor; cache: null } {
  return nms(greedyNaive, boxes, scores, params);
}

/** As nmsNaiveForward, from the full suppression matrix and one pass over it (torchvision's CUDA form). */
export function nmsVectorizedForward(boxes: Tensor, scores: Tensor, params: NmsParams = {}): { keep: Tensor; cache: null } {
  return nms(greedyVectorized, boxes, scores, params);
}
