import { formatShape } from './tensor';
import { InputError, requireFinite, requirePositiveSizes, requireRank, requireShape, type Shaped } from './validate';

/**
 * What roi_align and roi_pool share (docs/ops.md "Detection"): features (N, C, H, W) and rois (K, 5),
 * each roi [batch index, x1, y1, x2, y2] in input-image coordinates (scaled by spatial_scale onto
 * the feature map), x1 ≤ x2 and y1 ≤ y2; output_size [ph, pw].
 */
export interface RoiShapes {
  N: number;
  C: number;
  H: number;
  W: number;
  K: number;
  ph: number;
  pw: number;
}

export function validateRois(op: string, features: Shaped, rois: Shaped, outputSize: unknown): RoiShapes {
  requireRank(op, 'features', features, 4);
  requirePositiveSizes(op, 'features', features);
  requireFinite(op, 'features', features);
  const [N, C, H, W] = features.shape;
  requireRank(op, 'rois', rois, 2);
  requireShape(op, 'rois', rois, ['K', 5]);
  requirePositiveSizes(op, 'rois', rois);
  requireFinite(op, 'rois', rois);
  const K = rois.shape[0];
  for (let k = 0; k < K && rois.data; k++) {
    const [b, x1, y1, x2, y2] = Array.from({ length: 5 }, (_, j) => rois.data![5 * k + j]);
    if (!Number.isInteger(b) || b < 0 || b >= N) {
      throw new InputError(op, 'rois', `batch indices in [0, ${N - 1}] (N = ${N} from features)`, `${b} at [${k}, 0]`);
    }
    if (!(x1 <= x2 && y1 <= y2)) throw new InputError(op, 'rois', 'rois with x1 ≤ x2 and y1 ≤ y2', `${formatShape([b, x1, y1, x2, y2])} at [${k}]`);
  }
  const ok = Array.isArray(outputSize) && outputSize.length === 2 && outputSize.every((v) => Number.isInteger(v) && v >= 1);
  if (!ok) throw new InputError(op, 'output_size', '[ph, pw], integers ≥ 1', JSON.stringify(outputSize) ?? String(outputSize));
  const [ph, pw] = outputSize as number[];
  return { N, C, H, W, K, ph, pw };
}

/** roi k of a (K, 5) array: [batch index, x1, y1, x2, y2]. */
export const roiAt = (data: ArrayLike<number>, k: number): number[] => Array.from({ length: 5 }, (_, j) => data[5 * k + j]);
