import { validateRoiPool, type RoiPoolParams, type RoiPoolSettings } from '../reference/roi_pool';
import { requireShape } from '../reference/validate';
import { zeros, type GpuTensor } from './runtime/buffers';
import { kernel, launch } from './runtime/kernel';

/**
 * Twin of reference/roi_pool.
 * forward: one invocation per output element (k, c, i, j) scans its bin for the first maximum and
 *   records its in-plane index (−1 for an empty bin) for the backward pass.
 * backward: a deterministic scatter, as roi_align's — one invocation per feature plane (n, c)
 *   zeroes its plane, then walks the rois of batch n and their bins in order, adding each bin's
 *   dout at its maximum: no float atomics, a fixed summation order.
 */
export interface RoiPoolCache {
  rois: GpuTensor;
  argmax: GpuTensor;
  featureShape: readonly number[];
  settings: RoiPoolSettings;
}

const UNIFORMS = { C: 'u32', H: 'u32', W: 'u32', K: 'u32', ph: 'u32', pw: 'u32', spatial_scale: 'f32' } as const;

const fields = ({ C, H, W, K, ph, pw, spatialScale }: RoiPoolSettings) => ({ C, H, W, K, ph, pw, spatial_scale: spatialScale });

/** WGSL mirror of roundHalfAway and binRange (reference/roi_pool.ts); WGSL's round() would round half to even. */
const BINS_WGSL = `
fn round_away(v: f32) -> f32 { return sign(v) * floor(abs(v) + 0.5); }

fn bin_range(lo: f32, hi: f32, bins: u32, i: u32, size: u32) -> vec2<i32> {
  let start = i32(round_away(lo * u.spatial_scale));
  let n = max(i32(round_away(hi * u.spatial_scale)) - start + 1, 1);
  let b = f32(n) / f32(bins);
  let first = clamp(i32(floor(f32(i) * b)) + start, 0, i32(size));
  let last = clamp(i32(ceil(f32(i + 1u) * b)) + start, 0, i32(size));
  return vec2<i32>(first, last);
}`;

const forwardKernel = kernel({
  name: 'roi_pool:forward',
  inputs: { features: 'f32', rois: 'f32' },
  outputs: { out: 'f32', argmax: 'i32' },
  uniforms: UNIFORMS,
  helpers: BINS_WGSL,
  body: `let j = i % u.pw;
  let row = (i / u.pw) % u.ph;
  let c = (i / (u.pw * u.ph)) % u.C;
  let k = i / (u.pw * u.ph * u.C);
  let plane = (u32(rois[5u * k]) * u.C + c) * u.H * u.W;
  let hs = bin_range(rois[5u * k + 2u], rois[5u * k + 4u], u.ph, row, u.H);
  let ws = bin_range(rois[5u * k + 1u], rois[5u * k + 3u], u.pw, j, u.W);
  var best = -1;
  for (var h = hs.x; h < hs.y; h++) {
    for (var w = ws.x; w < ws.y; w++) {
      let at = h * i32(u.W) + w;
      if (best < 0 || features[plane + u32(at)] > features[plane + u32(best)]) { best = at; }
    }
  }
  out[i] = select(0.0, features[plane + u32(max(best, 0))], best >= 0);
  argmax[i] = best;`,
});

const backwardKernel = kernel({
  name: 'roi_pool:backward',
  inputs: { rois: 'f32', argmax: 'i32', dout: 'f32' },
  outputs: { dfeatures: 'f32' },
  uniforms: UNIFORMS,
  body: `let n = i / u.C;
  let c = i % u.C;
  let plane = i * u.H * u.W;
  let bins = u.ph * u.pw;
  for (var e = 0u; e < u.H * u.W; e++) { dfeatures[plane + e] = 0.0; }
  for (var k = 0u; k < u.K; k++) {
    if (u32(rois[5u * k]) != n) { continue; }
    for (var b = 0u; b < bins; b++) {
      let o = (k * u.C + c) * bins + b;
      if (argmax[o] >= 0) { dfeatures[plane + u32(argmax[o])] += dout[o]; }
    }
  }`,
});

export function roiPoolForward(features: GpuTensor, rois: GpuTensor, params: RoiPoolParams = {}): { out: GpuTensor; cache: RoiPoolCache } {
  const s = validateRoiPool(features, rois, params);
  const shape = [s.K, s.C, s.ph, s.pw];
  const [out, argmax] = [zeros(features.gpu, shape), zeros(features.gpu, shape, 'i32')];
  launch(features.gpu, forwardKernel, { features, rois, out, argmax }, { count: s.K * s.C * s.ph * s.pw, ...fields(s) });
  return { out, cache: { rois, argmax, featureShape: features.shape, settings: s } };
}

export function roiPoolBackward(dout: GpuTensor, cache: RoiPoolCache): { dfeatures: GpuTensor } {
  const { rois, argmax, featureShape, settings: s } = cache;
  requireShape('roi_pool_backward', 'dout', dout, [s.K, s.C, s.ph, s.pw], 'K, C and output_size from the forward pass');
  const dfeatures = zeros(dout.gpu, featureShape);
  launch(dout.gpu, backwardKernel, { rois, argmax, dout, dfeatures }, { count: s.N * s.C, ...fields(s) });
  return { dfeatures };
}
