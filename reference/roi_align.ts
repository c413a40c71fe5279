import { flag } from './choices';
import { hyper } from './hyperparams';
import { roiAt, validateRois, type RoiShapes } from './rois';
import { tensor, type Tensor } from './tensor';
import { requireShape, type Shaped } from './validate';

/** RoI Align (Mask R-CNN) with torchvision.ops.roi_align's semantics; backward to the features only. */
export interface RoiAlignParams {
  /** [ph, pw], required. */
  output_size?: number[];
  /** Feature-map pixels per input-image unit; default 1. */
  spatial_scale?: number;
  /** Sample points per bin along each axis; ≤ 0 (default −1): adaptive, ⌈roi size / output size⌉. */
  sampling_ratio?: number;
  /** Shift the scaled roi by −0.5 pixel (pixel centers at integers); default false. */
  aligned?: boolean;
}

export interface RoiAlignSettings extends RoiShapes {
  spatialScale: number;
  samplingRatio: number;
  aligned: boolean;
}

export interface RoiAlignCache {
  rois: Tensor;
  featureShape: readonly number[];
  settings: RoiAlignSettings;
}

export function validateRoiAlign(features: Shaped, rois: Shaped, params: RoiAlignParams): RoiAlignSettings {
  const shapes = validateRois('roi_align', features, rois, params.output_size);
  return {
    ...shapes,
    spatialScale: hyper('roi_align', params, 'spatial_scale', 1, { above: 0 }),
    samplingRatio: hyper('roi_align', params, 'sampling_ratio', -1, { min: -1, integer: true }),
    aligned: flag('roi_align', params, 'aligned', false),
  };
}

/** Where the bins of one roi lie on the feature map and how densely they are sampled. */
export interface AlignGeometry {
  startY: number;
  startX: number;
  binH: number;
  binW: number;
  gridH: number;
  gridW: number;
  /** Sample points per bin, at least 1 (a bin of no points averages to 0). */
  count: number;
}

/**
 * start = corner·spatial_scale − (aligned ? 0.5 : 0); roi size = end − start, clamped to ≥ 1 only
 * when aligned is false; bin = size / output size; grid = sampling_ratio if > 0, else ⌈size / output size⌉.
 */
export function alignGeometry(roi: readonly number[], s: RoiAlignSettings): AlignGeometry {
  const offset = s.aligned ? 0.5 : 0;
  const [startX, startY, endX, endY] = roi.slice(1).map((v) => v * s.spatialScale - offset);
  const [roiH, roiW] = s.aligned ? [endY - startY, endX - startX] : [Math.max(endY - startY, 1), Math.max(endX - startX, 1)];
  const gridH = s.samplingRatio > 0 ? s.samplingRatio : Math.ceil(roiH / s.ph);
  const gridW = s.samplingRatio > 0 ? s.samplingRatio : Math.ceil(roiW / s.pw);
  return { startY, startX, binH: roiH / s.ph, binW: roiW / s.pw, gridH, gridW, count: Math.max(gridH * gridW, 1) };
}

/** Sample point (iy, ix) of bin (i, j): (y, x) = start + bin·(i, j) + (iy + ½, ix + ½)·bin / grid. */
export const samplePoint = (g: AlignGeometry, i: number, j: number, iy: number, ix: number): [number, number] => [
  g.startY + i * g.binH + ((iy + 0.5) * g.binH) / g.gridH,
  g.startX + j * g.binW + ((ix + 0.5) * g.binW) / g.gridW,
];

/**
 * Bilinear interpolation taps of point (y, x) on an H×W plane, as torchvision: none when the point
 * lies beyond one pixel outside (y < −1, y > H, x < −1, x > W); else coordinates below 0 read as 0,
 * at or beyond the last row/column read that row/column; returns [in-plane index, weight] × 4.
 */
export function bilinearTaps(y: number, x: number, H: number, W: number): Array<[number, number]> {
  if (y < -1 || y > H || x < -1 || x > W) return [];
  const [yLow, yHigh, ly] = axisTaps(Math.max(y, 0), H);
  const [xLow, xHigh, lx] = axisTaps(Math.max(x, 0), W);
  const [hy, hx] = [1 - ly, 1 - lx];
  return [
    [yLow * W + xLow, hy * hx],
    [yLow * W + xHigh, hy * lx],
    [yHigh * W + xLow, ly * hx],
    [yHigh * W + xHigh, ly * lx],
  ];
}

/** [low, high, fraction of high] along one axis of `size` for a coordinate v ≥ 0. */
function axisTaps(v: number, size: number): [number, number, number] {
  const low = Math.floor(v);
  if (low >= size - 1) return [size - 1, size - 1, 0];
  return [low, low + 1, v - low];
}

/**
 * out[k, c, i, j] = (1/count)·Σ_{iy < gridH, ix < gridW} bilinear(features[b, c], samplePoint(i, j, iy, ix)),
 * b = rois[k, 0], with the geometry of alignGeometry and the taps of bilinearTaps.
 */
export function roiAlignForward(features: Tensor, rois: Tensor, params: RoiAlignParams = {}): { out: Tensor; cache: RoiAlignCache } {
  const s = validateRoiAlign(features, rois, params);
  const { C, H, W, K, ph, pw } = s;
  const out = tensor([K, C, ph, pw]);
  forEachTap(rois, s, (k, bin, plane, index, weight) => {
    for (let c = 0; c < C; c++) out.data[(k * C + c) * ph * pw + bin] += weight * features.data[(plane * C + c) * H * W + index];
  });
  return { out, cache: { rois, featureShape: features.shape, settings: s } };
}

/** dfeatures[b, c, tap] += dout[k, c, i, j]·weight / count over every roi, bin, sample point and tap. */
export function roiAlignBackward(dout: Tensor, cache: RoiAlignCache): { dfeatures: Tensor } {
  const { rois, featureShape, settings: s } = cache;
  const { C, H, W, K, ph, pw } = s;
  requireShape('roi_align_backward', 'dout', dout, [K, C, ph, pw], 'K, C and output_size from the forward pass');
  const dfeatures = tensor(featureShape);
  forEachTap(rois, s, (k, bin, plane, index, weight) => {
    for (let c = 0; c < C; c++) dfeatures.data[(plane * C + c) * H * W + index] += weight * dout.data[(k * C + c) * ph * pw + bin];
  });
  return { dfeatures };
}

/** Calls visit(k, bin i·pw + j, batch index, in-plane index, weight / count) for every tap of every sample point. */
function forEachTap(rois: Tensor, s: RoiAlignSettings, visit: (k: number, bin: number, plane: number, index: number, weight: number) => void): void {
  for (let k = 0; k < s.K; k++) {
    const roi = roiAt(rois.data, k);
    const g = alignGeometry(roi, s);
    for (let i = 0; i < s.ph; i++) {
      for (let j = 0; j < s.pw; j++) {
        for (let iy = 0; iy < g.gridH; iy++) {
          for (let ix = 0; ix < g.gridW; ix++) {
            const [y, x] = samplePoint(g, i, j, iy, ix);
            for (const [index, weight] of bilinearTaps(y, x, s.H, s.W)) visit(k, i * s.pw + j, roi[0], index, weight / g.count);
          }
        }
      }
    }
  }
}
