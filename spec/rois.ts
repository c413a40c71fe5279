import type { RoiShapes } from '../reference/rois';
import fc from 'fast-check';
import type { Rng } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';
import { dim } from './harness/arbitraries';

/**
 * What the roi_align and roi_pool rows share: drawn sizes, and rois that reach up to two feature
 * pixels beyond the map on every side (partly or wholly outside), given in input-image coordinates
 * (feature coordinates / spatial_scale).
 */
export interface RoiDraw extends RoiShapes {
  spatial_scale: number;
}

export const roiDraws = (max: { N: number; C: number; H: number; W: number; K: number; out: number }) =>
  fc.record({
    N: dim(1, max.N),
    C: dim(1, max.C),
    H: dim(2, max.H),
    W: dim(2, max.W),
    K: dim(1, max.K),
    ph: dim(1, max.out),
    pw: dim(1, max.out),
    spatial_scale: fc.constantFrom(1, 0.5, 0.25),
  });

/** One roi [batch, x1, y1, x2, y2] of the drawn geometry. */
export function randomRoi(d: RoiDraw, rng: Rng): number[] {
  const axis = (size: number) => {
    const lo = -2 + (size + 2) * rng();
    return [lo, lo + (size / 2 + 2) * rng()].map((v) => v / d.spatial_scale);
  };
  const [[x1, x2], [y1, y2]] = [axis(d.W), axis(d.H)];
  return [Math.floor(rng() * d.N), x1, y1, x2, y2];
}

/** K rois, each passed through `adjust` and redrawn until `fits` accepts it (seeded: deterministic). */
export function randomRois(d: RoiDraw, rng: Rng, fits: (roi: number[]) => boolean, adjust = (roi: number[]) => roi): Tensor {
  const rois: number[] = [];
  for (let k = 0; k < d.K; k++) {
    let roi = adjust(randomRoi(d, rng));
    while (!fits(roi)) roi = adjust(randomRoi(d, rng));
    rois.push(...roi);
  }
  return tensor([d.K, 5], rois);
}

/** Whether v is at least `margin` from every value in `at`. */
export const apart = (v: number, at: readonly number[], margin = 1e-3): boolean => at.every((a) => Math.abs(v - a) >= margin);
