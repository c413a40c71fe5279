import type { Rng } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';

/**
 * Box samples shared by the detection rows: boxes (x1, y1, x2, y2) in a 32×32 frame, widths and
 * heights in [minSize, minSize + 12], so random pairs overlap, nest or miss each other.
 */
export function randomBoxes(K: number, rng: Rng, minSize = 0.5): Tensor {
  const boxes = tensor([K, 4]);
  for (let k = 0; k < K; k++) {
    const [x, y] = [24 * rng(), 24 * rng()];
    boxes.data.set([x, y, x + minSize + 12 * rng(), y + minSize + 12 * rng()], 4 * k);
  }
  return boxes;
}

/**
 * Whether every x coordinate (x1 and x2 of all boxes of all sets) differs from every other by at
 * least `margin`, and likewise every y: then no max/min of the overlap is tied and no overlap width
 * is near 0, so IoU is smooth around the sample (its kinks are all at coordinate ties).
 */
export function coordinatesApart(sets: readonly Tensor[], margin: number): boolean {
  return [0, 1].every((axis) => {
    const values = sets.flatMap((t) => Array.from(t.data).filter((_, i) => i % 2 === axis)).sort((a, b) => a - b);
    return values.every((v, i) => i === 0 || v - values[i - 1] >= margin);
  });
}

/** Draws box sets of the given sizes until their coordinates are `margin` apart (seeded: deterministic). */
export function kinkFreeBoxes(counts: readonly number[], rng: Rng, margin = 1e-3): Tensor[] {
  for (;;) {
    const sets = counts.map((K) => randomBoxes(K, rng));
    if (coordinatesApart(sets, margin)) return sets;
  }
}

/** Copies box `from` of `source` over box `to` of `target` (identical boxes). */
export function copyBox(source: Tensor, from: number, target: Tensor, to: number): void {
  target.data.set(source.data.subarray(4 * from, 4 * from + 4), 4 * to);
}

/** Makes box k zero-area: zero width (x2 = x1) or zero height (y2 = y1). */
export function flattenBox(boxes: Tensor, k: number, axis: 0 | 1): void {
  boxes.data[4 * k + 2 + axis] = boxes.data[4 * k + axis];
}
