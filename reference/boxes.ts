import { formatShape } from './tensor';
import { InputError, requireFinite, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

/**
 * What the detection ops share (docs/ops.md "Detection"): boxes are rows (x1, y1, x2, y2) with x1 ≤ x2
 * and y1 ≤ y2, area (x2 − x1)·(y2 − y1) (no +1), and the IoU of two boxes with its gradient.
 */
export type Box = readonly [number, number, number, number];

export const boxAt = (data: ArrayLike<number>, k: number): Box => [data[4 * k], data[4 * k + 1], data[4 * k + 2], data[4 * k + 3]];

/**
 * `boxes` is (K, 4), K ≥ 1, finite, each row x1 ≤ x2 and y1 ≤ y2 (zero width or height allowed
 * unless `positive`, which asks for x1 < x2 and y1 < y2, as the log of box_encode needs). Returns K.
 */
export function validateBoxes(op: string, arg: string, boxes: Shaped, positive = false): number {
  requireRank(op, arg, boxes, 2);
  requireShape(op, arg, boxes, ['K', 4]);
  requirePositiveSizes(op, arg, boxes);
  requireFinite(op, arg, boxes);
  const K = boxes.shape[0];
  for (let k = 0; k < K && boxes.data; k++) {
    const [x1, y1, x2, y2] = boxAt(boxes.data, k);
    if (positive ? !(x1 < x2 && y1 < y2) : !(x1 <= x2 && y1 <= y2)) {
      const want = positive ? 'x1 < x2 and y1 < y2' : 'x1 ≤ x2 and y1 ≤ y2';
      throw new InputError(op, arg, `boxes with ${want}`, `${formatShape([x1, y1, x2, y2])} at [${k}]`);
    }
  }
  return K;
}

/** One row of each of `names` per box: (K, 4) each, with the same K. Returns K. */
export function validateBoxPair(op: string, [first, second]: readonly [string, string], a: Shaped, b: Shaped, positive: boolean): number {
  const K = validateBoxes(op, first, a, positive);
  requireShape(op, second, b, [K, 4], `K = ${K} from ${first}`);
  validateBoxes(op, second, b, positive);
  return K;
}

/**
 * IoU(a, b) = inter / union, inter = max(0, min(ax2, bx2) − max(ax1, bx1))·max(0, min(ay2, by2) − max(ay1, by1)),
 * union = area(a) + area(b) − inter. When union = 0 (two zero-area boxes) the IoU is 0 by
 * definition here (torchvision returns NaN).
 */
export function iou(a: Box, b: Box): number {
  const inter = overlap(a[0], a[2], b[0], b[2]) * overlap(a[1], a[3], b[1], b[3]);
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

export const area = (b: Box): number => (b[2] - b[0]) * (b[3] - b[1]);

const overlap = (a1: number, a2: number, b1: number, b2: number): number => Math.max(0, Math.min(a2, b2) - Math.max(a1, b1));

/**
 * ∂IoU/∂a and ∂IoU/∂b, scaled by `g`, added into ga and gb (4 entries each). With
 * I = inter, U = union: ∂IoU/∂I = 1/U + I/U² (I also lowers U), ∂IoU/∂area = −I/U².
 * The overlap width w = min(ax2, bx2) − max(ax1, bx1) passes its gradient only when w > 0, to the
 * box that wins the max/min (on a tie, box a); likewise the height. No gradient when U = 0.
 */
export function addIouGradient(a: Box, b: Box, g: number, ga: Float64Array | number[], gb: Float64Array | number[]): void {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const iw = Math.max(0, w);
  const ih = Math.max(0, h);
  const inter = iw * ih;
  const union = area(a) + area(b) - inter;
  if (!(union > 0)) return;
  const dInter = g * (1 / union + inter / (union * union));
  const dArea = (-g * inter) / (union * union);
  // areas: ∂area/∂(x1, y1, x2, y2) = (−height, −width, height, width)
  for (const [box, grad] of [
    [a, ga],
    [b, gb],
  ] as const) {
    const bw = box[2] - box[0];
    const bh = box[3] - box[1];
    grad[0] -= dArea * bh;
    grad[1] -= dArea * bw;
    grad[2] += dArea * bh;
    grad[3] += dArea * bw;
  }
  // overlap: ∂inter/∂w = ih (when w > 0), ∂w/∂min(x2) = 1, ∂w/∂max(x1) = −1; same for h.
  if (w > 0) {
    const dw = dInter * ih;
    (a[0] >= b[0] ? ga : gb)[0] -= dw;
    (a[2] <= b[2] ? ga : gb)[2] += dw;
  }
  if (h > 0) {
    const dh = dInter * iw;
    (a[1] >= b[1] ? ga : gb)[1] -= dh;
    (a[3] <= b[3] ? ga : gb)[3] += dh;
  }
}
