import { candidateOrder, greedyNaive, validateNms, type NmsParams, type NmsSettings } from './nms';
import { tensor, type Tensor } from './tensor';
import { requireShape, requireValues, type Shaped } from './validate';

/** Class ids: integers ≥ 0 (below 2³¹, so int32 holds them). */
const requireClassIds = (op: string, arg: string, t: Shaped): void =>
  requireValues(op, arg, t, { min: 0, max: 2 ** 31 - 1, integer: true }, 'integer class ids ≥ 0');

/** As reference/nms, plus idxs (K) integer class ids ≥ 0. */
export function validateBatchedNms(boxes: Shaped, scores: Shaped, idxs: Shaped, params: NmsParams): NmsSettings {
  const settings = validateNms('batched_nms', boxes, scores, params);
  requireShape('batched_nms', 'idxs', idxs, [settings.K], `K = ${settings.K} from boxes`);
  requireClassIds('batched_nms', 'idxs', idxs);
  return settings;
}

/**
 * keep = NMS within each class (torchvision.ops.batched_nms): a box is suppressed only by kept boxes
 * of its own class idxs[k]. Written per class: NMS of each class's candidates, then all kept
 * indices merged by descending score (equal scores: lower index first). Integer output: no backward.
 */
export function batchedNmsForward(boxes: Tensor, scores: Tensor, idxs: Tensor, params: NmsParams = {}): { keep: Tensor; cache: null } {
  const { iouThreshold, scoreThreshold } = validateBatchedNms(boxes, scores, idxs, params);
  const order = candidateOrder(scores, scoreThreshold);
  const classes = [...new Set(order.map((k) => idxs.data[k]))];
  const kept = classes.flatMap((c) =>
    greedyNaive(
      boxes,
      order.filter((k) => idxs.data[k] === c),
      iouThreshold,
    ),
  );
  const rank = new Map(order.map((k, r) => [k, r]));
  kept.sort((a, b) => rank.get(a)! - rank.get(b)!);
  return { keep: tensor([kept.length], kept), cache: null };
}
