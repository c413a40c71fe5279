import { validateConv2d, type Conv2dParams, type ConvGeometry } from '../reference/conv2d';
import { empty, type GpuTensor } from './buffers';
import { grid1d, launch, MAIN_1D, type Kernel } from './launch';

/**
 * Twin of reference/conv2d: forward, dx and dw are three implicit GEMMs (x is gathered inside the
 * kernels, no im2col buffer), db a per-channel sum. conv_transpose2d reuses them (its forward is
 * the dx GEMM, its dx the forward GEMM).
 *
 * Tiling shared by the three GEMM kernels (the idea of accelerated/matmul.ts): each invocation
 * accumulates a 4×4 tile of its GEMM's output in registers (four vec4 accumulators, one per tile
 * row, a component per tile column), loading 4 row values and 4 column values per reduction step:
 * 16 FMAs per 8 loads. No workgroup memory and no barriers, because SwiftShader runs barriers very
 * slowly. The tiles are numbered (group, row tile, column tile), column tile fastest, on one flat
 * grid (grid1d) so that no dimension exceeds 65535 workgroups. Reads in the padding or in stride
 * gaps give 0; tile rows and columns overhanging the edges are computed but not written.
 */
const ROWS = ['x', 'y', 'z', 'w'];

/**
 * The rank-1 update of a step: tile row r accumulates a[r]·b, where the kernel body has set `a` to
 * its 4 row values and `b` to its 4 column values.
 */
const ACCUMULATE = ROWS.map((v, r) => `acc${r} += a.${v} * b;`).join(' ');

/** The geometry uniform, in conv2d terms, plus the tile counts of the launch; WGSL helpers. */
const PRELUDE = `struct Geometry {
  N: u32, C: u32, H: u32, W: u32, F: u32, HH: u32, WW: u32, Ho: u32, Wo: u32,
  stride: u32, pad: u32, dilation: u32, Cg: u32, Fg: u32, rowTiles: u32, colTiles: u32, tiles: u32,
}
fn inside(v: vec4<i32>, size: u32) -> vec4<bool> {
  return (v >= vec4<i32>()) & (v < vec4<i32>(i32(size)));
}`;

/**
 * WGSL `<src>4(rowBase, col, ok)`: src at the 4 addresses rowBase + col, 0 where !ok (padding,
 * stride gaps). Masked lanes read element 0, so no read leaves the buffer.
 */
const gather4 = (src: string) => `fn ${src}4(rowBase: vec4<u32>, col: vec4<i32>, ok: vec4<bool>) -> vec4<f32> {
  let at = select(vec4<u32>(), rowBase + vec4<u32>(col), ok);
  return select(vec4<f32>(), vec4<f32>(${ROWS.map((v) => `${src}[at.${v}]`).join(', ')}), ok);
}`;

/**
 * A tile kernel: f32 storage bindings in order (the last one written), then the geometry uniform.
 * `helpers` are WGSL functions, among them store(grp, row, c0, acc) which writes one tile row and
 * skips what overhangs; `body` runs with grp (channel group), r0 / c0 (first row / column of the
 * tile) and the accumulators acc0…acc3 of tile rows 0…3. Overhanging tile rows and columns load
 * the last valid row or column (clamped), so loads need no bounds checks beyond the padding's.
 */
function tileKernel(key: string, bindings: string[], helpers: string, body: string): Kernel {
  return {
    key: `conv2d:${key}`,
    source: () => `
${bindings.map((name, k) => `@group(0) @binding(${k}) var<storage, ${k === bindings.length - 1 ? 'read_write' : 'read'}> ${name}: array<f32>;`).join('\n')}
${PRELUDE}
@group(0) @binding(${bindings.length}) var<uniform> g: Geometry;
${helpers}
${MAIN_1D}
  if (i >= g.tiles) { return; }
  let grp = i / (g.colTiles * g.rowTiles);
  let r0 = ((i / g.colTiles) % g.rowTiles) * 4u;
  let c0 = (i % g.colTiles) * 4u;
  var acc0 = vec4<f32>(); var acc1 = vec4<f32>(); var acc2 = vec4<f32>(); var acc3 = vec4<f32>();
${body}
${ROWS.map((_, r) => `  store(grp, r0 + ${r}u, c0, acc${r});`).join('\n')}
}`,
  };
}

/** Runs a tile kernel over a `rows` × `cols` GEMM per channel group. */
function launchTiles(kernel: Kernel, tensors: GpuTensor[], g: ConvGeometry, rows: number, cols: number): void {
  const rowTiles = Math.ceil(rows / 4);
  const colTiles = Math.ceil(cols / 4);
  const tiles = rowTiles * colTiles * g.groups;
  const sizes = [g.N, g.C, g.H, g.W, g.F, g.HH, g.WW, g.Ho, g.Wo, g.stride, g.pad, g.dilation, g.C / g.groups, g.F / g.groups];
  const fields = [...sizes, rowTiles, colTiles, tiles].map((v) => ['u32', v] as const);
  launch(tensors[0].gpu, kernel, tensors.map((t) => t.buffer), fields, grid1d(tiles));
}

/**
 * Forward GEMM per group: rows = output positions (n, oh, ow) (N·Ho·Wo), columns = the group's
 * filters (F/groups), reduction over (c, kh, kw) (C/groups·HH·WW). A tile is 4 output positions ×
 * 4 filters; each step loads 4 x values (one per position, gathered through stride, padding and
 * dilation) and 4 weights. Row validity (padding) is decided once per kernel row kh.
 */
const forwardKernel = (hasBias: boolean) =>
  tileKernel(
    `forward:${hasBias}`,
    ['x', 'w', ...(hasBias ? ['bias'] : []), 'out'],
    `${gather4('x')}
fn store(grp: u32, p: u32, c0: u32, v: vec4<f32>) {
  let HoWo = g.Ho * g.Wo;
  if (p >= g.N * HoWo) { return; }
  for (var t = 0u; t < 4u; t++) {
    let f = grp * g.Fg + c0 + t;
    if (c0 + t < g.Fg) { out[((p / HoWo) * g.F + f) * HoWo + p % HoWo] = v[t]${hasBias ? ' + bias[f]' : ''}; }
  }
}`,
    `  // Tile row r = output position r0 + r: the top-left input pixel of its window, its group's first x plane.
  let HoWo = g.Ho * g.Wo;
  var ih0: vec4<i32>; var iw0: vec4<i32>; var plane0: vec4<u32>;
  for (var r = 0u; r < 4u; r++) {
    let p = min(r0 + r, g.N * HoWo - 1u);
    ih0[r] = i32((p % HoWo) / g.Wo * g.stride) - i32(g.pad);
    iw0[r] = i32((p % g.Wo) * g.stride) - i32(g.pad);
    plane0[r] = ((p / HoWo) * g.C + grp * g.Cg) * g.H * g.W;
  }
  // Tile column t = filter c0 + t of the group: its first weight.
  let K = g.Cg * g.HH * g.WW;
  var wrow: vec4<u32>;
  for (var t = 0u; t < 4u; t++) { wrow[t] = (grp * g.Fg + min(c0 + t, g.Fg - 1u)) * K; }
  for (var c = 0u; c < g.Cg; c++) {
    let plane = plane0 + vec4<u32>(c * g.H * g.W);
    for (var kh = 0u; kh < g.HH; kh++) {
      let ih = ih0 + vec4<i32>(i32(kh * g.dilation));
      let rowOk = inside(ih, g.H);
      let rowBase = plane + vec4<u32>(select(vec4<i32>(), ih, rowOk)) * g.W;
      for (var kw = 0u; kw < g.WW; kw++) {
        let iw = iw0 + vec4<i32>(i32(kw * g.dilation));
        let k = (c * g.HH + kh) * g.WW + kw;
        let a = x4(rowBase, iw, rowOk & inside(iw, g.W));
        let b = vec4<f32>(${ROWS.map((v) => `w[wrow.${v} + k]`).join(', ')});
        ${ACCUMULATE}
      }
    }
  }`,
  );

/**
 * Input-gradient GEMM per group, written as a gather (no atomics): rows = input positions
 * (n, ih, iw) (N·H·W), columns = the group's input channels (C/groups), reduction over (f, kh, kw)
 * (F/groups·HH·WW). Input pixel ih receives dout[oh] through tap kh when ih + pad − kh·dilation =
 * oh·stride; other taps read 0. A tile is 4 input positions × 4 channels; each step loads 4 dout
 * values and 4 weights.
 */
const inputGradKernel = (hasBias: boolean) =>
  tileKernel(
    `input-grad:${hasBias}`,
    ['dout', 'w', ...(hasBias ? ['bias'] : []), 'dx'],
    `${gather4('dout')}
fn store(grp: u32, p: u32, c0: u32, v: vec4<f32>) {
  let HW = g.H * g.W;
  if (p >= g.N * HW) { return; }
  for (var t = 0u; t < 4u; t++) {
    let c = grp * g.Cg + c0 + t;
    if (c0 + t < g.Cg) { dx[((p / HW) * g.C + c) * HW + p % HW] = v[t]${hasBias ? ' + bias[c]' : ''}; }
  }
}`,
    `  // Tile row r = input position r0 + r: its padded coordinates, its group's first dout plane.
  let HW = g.H * g.W;
  let HoWo = g.Ho * g.Wo;
  var th0: vec4<i32>; var tw0: vec4<i32>; var plane0: vec4<u32>;
  for (var r = 0u; r < 4u; r++) {
    let p = min(r0 + r, g.N * HW - 1u);
    th0[r] = i32((p % HW) / g.W + g.pad);
    tw0[r] = i32(p % g.W + g.pad);
    plane0[r] = ((p / HW) * g.F + grp * g.Fg) * HoWo;
  }
  // Tile column t = input channel c0 + t of the group: its offset within a filter's weights.
  let KK = g.HH * g.WW;
  var wcol: vec4<u32>;
  for (var t = 0u; t < 4u; t++) { wcol[t] = min(c0 + t, g.Cg - 1u) * KK; }
  let s = vec4<i32>(i32(g.stride));
  for (var f = 0u; f < g.Fg; f++) {
    let plane = plane0 + vec4<u32>(f * HoWo);
    let wf = (grp * g.Fg + f) * g.Cg * KK;
    for (var kh = 0u; kh < g.HH; kh++) {
      let th = th0 - vec4<i32>(i32(kh * g.dilation));
      let oh = th / s;
      let rowOk = (th % s == vec4<i32>()) & inside(oh, g.Ho);
      let rowBase = plane + vec4<u32>(select(vec4<i32>(), oh, rowOk)) * g.Wo;
      for (var kw = 0u; kw < g.WW; kw++) {
        let tw = tw0 - vec4<i32>(i32(kw * g.dilation));
        let ow = tw / s;
        let k = wf + kh * g.WW + kw;
        let a = dout4(rowBase, ow, rowOk & (tw % s == vec4<i32>()) & inside(ow, g.Wo));
        let b = vec4<f32>(${ROWS.map((v) => `w[wcol.${v} + k]`).join(', ')});
        ${ACCUMULATE}
      }
    }
  }`,
  );

/**
 * Weight-gradient GEMM per group: rows = the group's filters (F/groups), columns = weights of a
 * filter (c, kh, kw) (C/groups·HH·WW), reduction over output positions (n, oh, ow) (N·Ho·Wo).
 * A tile is 4 filters × 4 weights; each step loads 4 dout values and 4 gathered x values.
 */
const weightGradKernel = tileKernel(
  'weight-grad',
  ['x', 'dout', 'dw'],
  `${gather4('x')}
fn store(grp: u32, fl: u32, c0: u32, v: vec4<f32>) {
  let K = g.Cg * g.HH * g.WW;
  if (fl >= g.Fg) { return; }
  for (var t = 0u; t < 4u; t++) {
    if (c0 + t < K) { dw[(grp * g.Fg + fl) * K + c0 + t] = v[t]; }
  }
}`,
  `  // Tile column t = weight (c, kh, kw) = c0 + t: its x plane in image 0, its offset from a window's corner.
  let K = g.Cg * g.HH * g.WW;
  let HoWo = g.Ho * g.Wo;
  var dh: vec4<i32>; var dwo: vec4<i32>; var plane0: vec4<u32>;
  for (var t = 0u; t < 4u; t++) {
    let k = min(c0 + t, K - 1u);
    plane0[t] = (grp * g.Cg + k / (g.HH * g.WW)) * g.H * g.W;
    dh[t] = i32((k / g.WW) % g.HH * g.dilation) - i32(g.pad);
    dwo[t] = i32((k % g.WW) * g.dilation) - i32(g.pad);
  }
  // Tile row r = filter r0 + r of the group: its dout plane in image 0.
  var drow: vec4<u32>;
  for (var r = 0u; r < 4u; r++) { drow[r] = (grp * g.Fg + min(r0 + r, g.Fg - 1u)) * HoWo; }
  for (var n = 0u; n < g.N; n++) {
    let plane = plane0 + vec4<u32>(n * g.C * g.H * g.W);
    let dplane = drow + vec4<u32>(n * g.F * HoWo);
    for (var oh = 0u; oh < g.Ho; oh++) {
      let ih = dh + vec4<i32>(i32(oh * g.stride));
      let rowOk = inside(ih, g.H);
      let rowBase = plane + vec4<u32>(select(vec4<i32>(), ih, rowOk)) * g.W;
      for (var ow = 0u; ow < g.Wo; ow++) {
        let iw = dwo + vec4<i32>(i32(ow * g.stride));
        let q = dplane + vec4<u32>(oh * g.Wo + ow);
        let a = vec4<f32>(${ROWS.map((v) => `dout[q.${v}]`).join(', ')});
        let b = x4(rowBase, iw, rowOk & inside(iw, g.W));
        ${ACCUMULATE}
      }
    }
  }`,
);

/**
 * Σ over n and positions of a (N, F, Ho, Wo) tensor → (F). Tiling: one invocation per channel walks
 * its N planes serially (F is small; plain loads, no shared memory).
 */
const channelSumKernel: Kernel = {
  key: 'conv2d:channel-sums',
  source: () => `
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
struct Params { N: u32, F: u32, L: u32 }
@group(0) @binding(2) var<uniform> params: Params;
${MAIN_1D}
  if (i >= params.F) { return; }
  var s = 0.0;
  for (var n = 0u; n < params.N; n++) {
    let base = (n * params.F + i) * params.L;
    for (var l = 0u; l < params.L; l++) { s += src[base + l]; }
  }
  dst[i] = s;
}`,
};

/** out (N, F, Ho, Wo) = conv(x, w) (+ bias[f]). */
export function convForward(x: GpuTensor, w: GpuTensor, bias: GpuTensor | undefined, g: ConvGeometry): GpuTensor {
  const out = empty(x.gpu, [g.N, g.F, g.Ho, g.Wo]);
  launchTiles(forwardKernel(!!bias), [x, w, ...(bias ? [bias] : []), out], g, g.N * g.Ho * g.Wo, g.F / g.groups);
  return out;
}

/** dx (N, C, H, W) of conv(x, w) for upstream dout (N, F, Ho, Wo) (+ bias[c]: conv_transpose2d's forward). */
export function convInputGrad(dout: GpuTensor, w: GpuTensor, bias: GpuTensor | undefined, g: ConvGeometry): GpuTensor {
  const dx = empty(dout.gpu, [g.N, g.C, g.H, g.W]);
  launchTiles(inputGradKernel(!!bias), [dout, w, ...(bias ? [bias] : []), dx], g, g.N * g.H * g.W, g.C / g.groups);
  return dx;
}

/** dw (F, C/groups, HH, WW) of conv(x, w) for upstream dout (N, F, Ho, Wo). */
export function convWeightGrad(x: GpuTensor, dout: GpuTensor, g: ConvGeometry): GpuTensor {
  const dw = empty(x.gpu, [g.F, g.C / g.groups, g.HH, g.WW]);
  launchTiles(weightGradKernel, [x, dout, dw], g, g.F / g.groups, (g.C / g.groups) * g.HH * g.WW);
  return dw;
}

/** db[f] = Σ_{n, i, j} dout[n, f, i, j]. */
export function channelSums(dout: GpuTensor): GpuTensor {
  const [N, F, Ho, Wo] = dout.shape;
  const db = empty(dout.gpu, [F]);
  launch(dout.gpu, channelSumKernel, [dout.buffer, db.buffer], [['u32', N], ['u32', F], ['u32', Ho * Wo]], grid1d(F));
  return db;
}

export interface Conv2dCache {
  x: GpuTensor;
  w: GpuTensor;
  geometry: ConvGeometry;
}

export function conv2dForward(x: GpuTensor, w: GpuTensor, b: GpuTensor, params: Conv2dParams = {}): { out: GpuTensor; cache: Conv2dCache } {
  const geometry = validateConv2d(x, w, b, params);
  return { out: convForward(x, w, b, geometry), cache: { x, w, geometry } };
}

export function conv2dBackward(dout: GpuTensor, cache: Conv2dCache): { dx: GpuTensor; dw: GpuTensor; db: GpuTensor } {
  const { x, w, geometry } = cache;
  return {
    dx: convInputGrad(dout, w, undefined, geometry),
    dw: convWeightGrad(x, dout, geometry),
    db: channelSums(dout),
  };
}
