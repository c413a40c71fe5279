import { iou, type Box } from './boxes';
import { hyper } from './hyperparams';
import { formatShape, scalar, type Tensor } from './tensor';
import { InputError, requireFinite, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

/**
 * Mean average precision, PASCAL VOC style (docs/ops.md "Detection"). Pure bookkeeping — sorting, greedy
 * matching, running counts — and piecewise constant in every input: no backward.
 *   detections (D, 7): [image, class, score, x1, y1, x2, y2]
 *   ground_truth (G, 6): [image, class, x1, y1, x2, y2]
 */
export interface MapParams {
  /** A detection matches a ground-truth box when IoU > iou_threshold (VOC devkit's strict >); default 0.5. */
  iou_threshold?: number;
}

const OP = 'mean_average_precision';

/** Rows of `t` with integer ids ≥ 0 in `idColumns` and a box x1 ≤ x2, y1 ≤ y2 from column `boxAt`. */
function validateRows(arg: string, t: Shaped, columns: number, idColumns: number[], boxAt: number): number {
  requireRank(OP, arg, t, 2);
  requireShape(OP, arg, t, [arg === 'detections' ? 'D' : 'G', columns]);
  requireFinite(OP, arg, t);
  const rows = t.shape[0];
  for (let r = 0; r < rows && t.data; r++) {
    const row = Array.from({ length: columns }, (_, j) => t.data![r * columns + j]);
    for (const j of idColumns) {
      if (!Number.isInteger(row[j]) || row[j] < 0) throw new InputError(OP, arg, 'integer image and class ids ≥ 0', `${row[j]} at [${r}, ${j}]`);
    }
    const [x1, y1, x2, y2] = row.slice(boxAt);
    if (!(x1 <= x2 && y1 <= y2)) throw new InputError(OP, arg, 'boxes with x1 ≤ x2 and y1 ≤ y2', `${formatShape(row)} at [${r}]`);
  }
  return rows;
}

export function validateMeanAveragePrecision(detections: Shaped, groundTruth: Shaped, params: MapParams): { iouThreshold: number } {
  validateRows('detections', detections, 7, [0, 1], 3);
  validateRows('ground_truth', groundTruth, 6, [0, 1], 2);
  requirePositiveSizes(OP, 'ground_truth', groundTruth);
  return { iouThreshold: hyper(OP, params, 'iou_threshold', 0.5, { min: 0, max: 1 }) };
}

interface Row {
  index: number;
  image: number;
  cls: number;
  score: number;
  box: Box;
}

/**
 * VOC all-point interpolated AP from the ranked hit list (true: true positive): precision made
 * monotone from the right, p̂(r) = max_{r' ≥ r} p(r'), then AP = Σ over recall steps Δr·p̂.
 */
export function allPointAp(hits: readonly boolean[], positives: number): number {
  let tp = 0;
  const recall: number[] = [];
  const precision: number[] = [];
  hits.forEach((hit, n) => {
    tp += hit ? 1 : 0;
    recall.push(tp / positives);
    precision.push(tp / (n + 1));
  });
  for (let n = precision.length - 2; n >= 0; n--) precision[n] = Math.max(precision[n], precision[n + 1]);
  let ap = 0;
  recall.forEach((r, n) => {
    ap += (r - (n > 0 ? recall[n - 1] : 0)) * precision[n];
  });
  return ap;
}

/**
 * map = mean over the classes that have ground truth of AP(class): the class's detections by
 * descending score (equal scores: lower index first) are each matched to the ground-truth box of
 * the same image and class with the largest IoU (first on a tie); a hit when that IoU >
 * iou_threshold and the box is not yet matched — each ground truth is matched once, a second
 * detection of it is a false positive. Detections of classes without ground truth are ignored.
 */
export function meanAveragePrecisionForward(detections: Tensor, groundTruth: Tensor, params: MapParams = {}): { map: Tensor; cache: null } {
  const { iouThreshold } = validateMeanAveragePrecision(detections, groundTruth, params);
  const rowsOf = (t: Tensor, boxAt: number): Row[] =>
    Array.from({ length: t.shape[0] }, (_, index) => {
      const row = t.data.subarray(index * t.shape[1], (index + 1) * t.shape[1]);
      return { index, image: row[0], cls: row[1], score: row[2], box: [row[boxAt], row[boxAt + 1], row[boxAt + 2], row[boxAt + 3]] };
    });
  const dets = rowsOf(detections, 3);
  const gts = rowsOf(groundTruth, 2);
  const classes = [...new Set(gts.map((g) => g.cls))];
  const aps = classes.map((cls) => {
    const truth = gts.filter((g) => g.cls === cls);
    const matched = new Set<Row>();
    // Array.prototype.sort is stable (ES2019): equal scores keep index order.
    const ranked = dets.filter((d) => d.cls === cls).sort((a, b) => b.score - a.score);
    const hits = ranked.map((d) => {
      let best: Row | undefined;
      let bestIou = -Infinity;
      for (const g of truth) {
        const overlap = g.image === d.image ? iou(d.box, g.box) : -Infinity;
        if (overlap > bestIou) [best, bestIou] = [g, overlap];
      }
      if (!best || !(bestIou > iouThreshold) || matched.has(best)) return false;
      matched.add(best);
      return true;
    });
    return allPointAp(hits, truth.length);
  });
  return { map: scalar(aps.reduce((a, b) => a + b, 0) / aps.length), cache: null };
}
