import { validateRoiAlign, type RoiAlignParams, type RoiAlignSettings } from '../reference/roi_align';
import { requireShape } from '../reference/validate';
import { zeros, type GpuTensor } from './runtime/buffers';
import { launch, opKernels } from './runtime/kernel';

/**
 * Twin of reference/roi_align.
 * forward: one invocation per output element (k, c, i, j) walks its bin's grid of sample points
 *   and their four bilinear taps; no shared memory (each point's taps are read once).
 * backward: a deterministic scatter — one invocation per feature plane (n, c) zeroes its plane,
 *   then walks every roi of batch n, every bin and sample point in order and adds the taps' shares
 *   of dout into the plane it alone owns: no float atomics, a fixed summation order. Parallel over
 *   N·C planes only, which suits the small maps of a test suite; a gather per feature element over
 *   the bins that read it would spread a large map further.
 */
export interface RoiAlignCache {
  rois: GpuTensor;
  featureShape: readonly number[];
  settings: RoiAlignSettings;
}

const UNIFORMS = { C: 'u32', H: 'u32', W: 'u32', K: 'u32', ph: 'u32', pw: 'u32', spatial_scale: 'f32', sampling_ratio: 'i32', aligned: 'u32' } as const;

const fields = (s: RoiAlignSettings) => ({
  C: s.C,
  H: s.H,
  W: s.W,
  K: s.K,
  ph: s.ph,
  pw: s.pw,
  spatial_scale: s.spatialScale,
  sampling_ratio: s.samplingRatio,
  aligned: s.aligned ? 1 : 0,
});

/** WGSL mirrors of alignGeometry, samplePoint and bilinearTaps (reference/roi_align.ts); vectors are (y, x). */
const ALIGN_WGSL = `
struct Geometry { start: vec2<f32>, cell: vec2<f32>, grid: vec2<u32>, count: f32 }

fn geometry(k: u32) -> Geometry {
  let offset = select(0.0, 0.5, u.aligned != 0u);
  let start = vec2<f32>(rois[5u * k + 2u], rois[5u * k + 1u]) * u.spatial_scale - offset;
  let end = vec2<f32>(rois[5u * k + 4u], rois[5u * k + 3u]) * u.spatial_scale - offset;
  var extent = end - start;
  if (u.aligned == 0u) { extent = max(extent, vec2<f32>(1.0)); }
  let out_size = vec2<f32>(f32(u.ph), f32(u.pw));
  var grid = vec2<u32>(u32(max(u.sampling_ratio, 0)));
  if (u.sampling_ratio <= 0) { grid = vec2<u32>(ceil(extent / out_size)); }
  return Geometry(start, extent / out_size, grid, max(f32(grid.x * grid.y), 1.0));
}

fn point_of(g: Geometry, cell: vec2<u32>, step: vec2<u32>) -> vec2<f32> {
  return g.start + vec2<f32>(cell) * g.cell + (vec2<f32>(step) + 0.5) * g.cell / vec2<f32>(g.grid);
}

struct Taps { index: vec4<u32>, weight: vec4<f32> }

fn taps(p: vec2<f32>) -> Taps {
  let dims = vec2<f32>(f32(u.H), f32(u.W));
  if (any(p < vec2<f32>(-1.0)) || any(p > dims)) { return Taps(vec4<u32>(0u), vec4<f32>(0.0)); }
  var v = max(p, vec2<f32>(0.0));
  var low = vec2<u32>(floor(v));
  var high = low + 1u;
  let last = vec2<u32>(u.H - 1u, u.W - 1u);
  for (var a = 0; a < 2; a++) {
    if (low[a] >= last[a]) { low[a] = last[a]; high[a] = last[a]; v[a] = f32(last[a]); }
  }
  let l = v - vec2<f32>(low);
  let h = 1.0 - l;
  return Taps(
    vec4<u32>(low.x * u.W + low.y, low.x * u.W + high.y, high.x * u.W + low.y, high.x * u.W + high.y),
    vec4<f32>(h.x * h.y, h.x * l.y, l.x * h.y, l.x * l.y),
  );
}`;

const kernels = opKernels(
  'roi_align',
  { uniforms: UNIFORMS, helpers: ALIGN_WGSL },
  {
    forward: {
      inputs: { features: 'f32', rois: 'f32' },
      outputs: { out: 'f32' },
      body: `let cell = vec2<u32>((i / u.pw) % u.ph, i % u.pw);
  let c = (i / (u.pw * u.ph)) % u.C;
  let k = i / (u.pw * u.ph * u.C);
  let g = geometry(k);
  let plane = (u32(rois[5u * k]) * u.C + c) * u.H * u.W;
  var acc = 0.0;
  for (var iy = 0u; iy < g.grid.x; iy++) {
    for (var ix = 0u; ix < g.grid.y; ix++) {
      let t = taps(point_of(g, cell, vec2<u32>(iy, ix)));
      let v = vec4<f32>(features[plane + t.index.x], features[plane + t.index.y], features[plane + t.index.z], features[plane + t.index.w]);
      acc += dot(t.weight, v);
    }
  }
  out[i] = acc / g.count;`,
    },
    backward: {
      inputs: { rois: 'f32', dout: 'f32' },
      outputs: { dfeatures: 'f32' },
      body: `let n = i / u.C;
  let c = i % u.C;
  let plane = i * u.H * u.W;
  for (var e = 0u; e < u.H * u.W; e++) { dfeatures[plane + e] = 0.0; }
  for (var k = 0u; k < u.K; k++) {
    if (u32(rois[5u * k]) != n) { continue; }
    let g = geometry(k);
    for (var ci = 0u; ci < u.ph; ci++) {
      for (var cj = 0u; cj < u.pw; cj++) {
        let d = dout[((k * u.C + c) * u.ph + ci) * u.pw + cj] / g.count;
        for (var iy = 0u; iy < g.grid.x; iy++) {
          for (var ix = 0u; ix < g.grid.y; ix++) {
            let t = taps(point_of(g, vec2<u32>(ci, cj), vec2<u32>(iy, ix)));
            for (var q = 0; q < 4; q++) { dfeatures[plane + t.index[q]] += t.weight[q] * d; }
          }
        }
      }
    }
  }`,
    },
  },
);

export function roiAlignForward(features: GpuTensor, rois: GpuTensor, params: RoiAlignParams = {}): { out: GpuTensor; cache: RoiAlignCache } {
  const s = validateRoiAlign(features, rois, params);
  const out = zeros(features.gpu, [s.K, s.C, s.ph, s.pw]);
  launch(features.gpu, kernels.forward, { features, rois, out }, { count: s.K * s.C * s.ph * s.pw, ...fields(s) });
  return { out, cache: { rois, featureShape: features.shape, settings: s } };
}

export function roiAlignBackward(dout: GpuTensor, cache: RoiAlignCache): { dfeatures: GpuTensor } {
  const { rois, featureShape, settings: s } = cache;
  requireShape('roi_align_backward', 'dout', dout, [s.K, s.C, s.ph, s.pw], 'K, C and output_size from the forward pass');
  const dfeatures = zeros(dout.gpu, featureShape);
  launch(dout.gpu, kernels.backward, { rois, dout, dfeatures }, { count: s.N * s.C, ...fields(s) });
  return { dfeatures };
}
