import { hyper } from './hyperparams';
import { roiAt, validateRois, type RoiShapes } from './rois';
import { tensor, type Tensor } from './tensor';
import { requireShape, type Shaped } from './validate';

/** RoI max pooling (Fast R-CNN) with torchvision.ops.roi_pool's semantics; backward to the features only. */
export interface RoiPoolParams {
  /** [ph, pw], required. */
  output_size?: number[];
  /** Feature-map pixels per input-image unit; default 1. */
  spatial_scale?: number;
}

export interface RoiPoolSettings extends RoiShapes {
  spatialScale: number;
}

export interface RoiPoolCache {
  rois: Tensor;
  featureShape: readonly number[];
  settings: RoiPoolSettings;
  /** Per output element: the in-plane index of its maximum, −1 for an empty bin. */
  argmax: Int32Array;
}

export function validateRoiPool(features: Shaped, rois: Shaped, params: RoiPoolParams): RoiPoolSettings {
  const shapes = validateRois('roi_pool', features, rois, params.output_size);
  return { ...shapes, spatialScale: hyper('roi_pool', params, 'spatial_scale', 1, { above: 0 }) };
}

/** C's round: half away from zero (JS Math.round takes −2.5 to −2, C's round to −3). */
export const roundHalfAway = (v: number): number => Math.sign(v) * Math.floor(Math.abs(v) + 0.5);

/**
 * The feature rows [start, end) of bin i along an axis: the roi's first pixel s = round(corner·scale),
 * its size n = max(round(end·scale) − s + 1, 1), bin size b = n / bins, then
 * [floor(i·b) + s, ceil((i + 1)·b) + s) clamped to [0, size].
 */
export function binRange(lo: number, hi: number, scale: number, bins: number, i: number, size: number): [number, number] {
  const start = roundHalfAway(lo * scale);
  const n = Math.max(roundHalfAway(hi * scale) - start + 1, 1);
  const b = n / bins;
  const clamp = (v: number) => Math.min(Math.max(v + start, 0), size);
  return [clamp(Math.floor(i * b)), clamp(Math.ceil((i + 1) * b))];
}

/**
 * out[k, c, i, j] = max over the rows × columns of bin (i, j) of features[b, c] (0 for an empty bin),
 * b = rois[k, 0]; the first maximum (strict >) is the one remembered for the backward pass.
 */
export function roiPoolForward(features: Tensor, rois: Tensor, params: RoiPoolParams = {}): { out: Tensor; cache: RoiPoolCache } {
  const s = validateRoiPool(features, rois, params);
  const { C, H, W, K, ph, pw, spatialScale } = s;
  const out = tensor([K, C, ph, pw]);
  const argmax = new Int32Array(out.data.length).fill(-1);
  for (let k = 0; k < K; k++) {
    const [b, x1, y1, x2, y2] = roiAt(rois.data, k);
    for (let c = 0; c < C; c++) {
      const plane = (b * C + c) * H * W;
      for (let i = 0; i < ph; i++) {
        const [h0, h1] = binRange(y1, y2, spatialScale, ph, i, H);
        for (let j = 0; j < pw; j++) {
          const [w0, w1] = binRange(x1, x2, spatialScale, pw, j, W);
          const o = ((k * C + c) * ph + i) * pw + j;
          let best = -1;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) if (best < 0 || features.data[plane + h * W + w] > features.data[plane + best]) best = h * W + w;
          }
          out.data[o] = best < 0 ? 0 : features.data[plane + best];
          argmax[o] = best;
        }
      }
    }
  }
  return { out, cache: { rois, featureShape: features.shape, settings: s, argmax } };
}

/** dfeatures[b, c, argmax[k, c, i, j]] += dout[k, c, i, j] (nothing from an empty bin). */
export function roiPoolBackward(dout: Tensor, cache: RoiPoolCache): { dfeatures: Tensor } {
  const { rois, featureShape, settings: s, argmax } = cache;
  const { C, H, W, K, ph, pw } = s;
  requireShape('roi_pool_backward', 'dout', dout, [K, C, ph, pw], 'K, C and output_size from the forward pass');
  const dfeatures = tensor(featureShape);
  for (let o = 0; o < dout.data.length; o++) {
    if (argmax[o] < 0) continue;
    const [k, c] = [Math.floor(o / (C * ph * pw)), Math.floor(o / (ph * pw)) % C];
    dfeatures.data[(rois.data[5 * k] * C + c) * H * W + argmax[o]] += dout.data[o];
  }
  return { dfeatures };
}
