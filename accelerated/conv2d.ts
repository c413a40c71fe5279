import { validateConv2d, type Conv2dParams, type ConvGeometry } from '../reference/conv2d';
import { empty, release, type GpuTensor } from './buffers';
import { grid1d, launch, MAIN_1D, type Kernel } from './launch';

/**
 * Twin of reference/conv2d: forward, dx and dw are three implicit GEMMs (x is gathered inside the
 * kernels, no im2col buffer; the forward reads x through a zero-padded copy), db a per-channel sum. conv_transpose2d reuses them (its forward is
 * the dx GEMM, its dx the forward GEMM).
 *
 * Tiling shared by the three GEMM kernels (the idea of accelerated/matmul.ts): each invocation
 * accumulates a 4×4 tile of its GEMM's output in registers (four vec4 accumulators, one per tile
 * row, a component per tile column), loading 4 row values and 4 column values per reduction step:
 * 16 FMAs per 8 loads (the forward GEMM with stride 1 and dilation 1 uses 8×4 tiles and reuses
 * x loads across its kernel's width: see forwardKernel). No workgroup memory and no barriers, because SwiftShader runs barriers very
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
 * tile) and the accumulators acc0, acc1, … of its `tileRows` rows (4 unless the kernel says
 * otherwise). Overhanging tile rows and columns load the last valid row or column (clamped), so
 * loads need no bounds checks beyond the padding's.
 */
function tileKernel(key: string, bindings: string[], helpers: string, body: string, tileRows = 4): Kernel {
  const rows = Array.from({ length: tileRows }, (_, r) => r);
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
  let r0 = ((i / g.colTiles) % g.rowTiles) * ${tileRows}u;
  let c0 = (i % g.colTiles) * 4u;
  ${rows.map((r) => `var acc${r} = vec4<f32>();`).join(' ')}
${body}
${rows.map((r) => `  store(grp, r0 + ${r}u, c0, acc${r});`).join('\n')}
}`,
  };
}

/** Runs a tile kernel of `tileRows` × 4 tiles over a `rows` × `cols` GEMM per channel group. */
function launchTiles(kernel: Kernel, tensors: GpuTensor[], g: ConvGeometry, rows: number, cols: number, tileRows = 4): void {
  const rowTiles = Math.ceil(rows / tileRows);
  const colTiles = Math.ceil(cols / 4);
  const tiles = rowTiles * colTiles * g.groups;
  const sizes = [g.N, g.C, g.H, g.W, g.F, g.HH, g.WW, g.Ho, g.Wo, g.stride, g.pad, g.dilation, g.C / g.groups, g.F / g.groups];
  const fields = [...sizes, rowTiles, colTiles, tiles].map((v) => ['u32', v] as const);
  launch(tensors[0].gpu, kernel, tensors.map((t) => t.buffer), fields, grid1d(tiles));
}

/**
 * Forward GEMM per group: rows = output positions (n, oh, ow), columns = the group's filters
 * (F/groups), reduction over (c, kh, kw) (C/groups·HH·WW). A tile is R output positions × 4
 * filters, its R positions consecutive along one output row (rows are numbered with Wo rounded up
 * to a multiple of R; the overhang is computed on clamped or neighbouring positions and not
 * written). The kernel reads x through a zero-padded copy (launched with pad 0, see convForward),
 * so every window lies inside its plane and loads need no masks.
 * - stride 1 and dilation 1 (`sliding`, R = 8): the R positions' windows overlap, so per kernel row
 *   the x values are R + WW − 1 consecutive loads, and step kw takes the R starting at kw; the
 *   HH × WW steps are unrolled (loop overhead dominates short loops on SwiftShader). Per step
 *   4 weight loads and ~1 x load feed 32 FMAs.
 * - otherwise (R = 4): the offset of step (c, kh, kw) from a window's corner is one scalar shared by
 *   the 4 positions, advanced by additions; each step loads 4 x values and 4 weights for 16 FMAs.
 */
const forwardKernel = (hasBias: boolean, sliding: boolean, HH: number, WW: number) => {
  const R = sliding ? 8 : 4;
  return tileKernel(
    `forward:${hasBias}:${sliding}:${HH}:${WW}`,
    ['x', 'w', ...(hasBias ? ['bias'] : []), 'out'],
    `fn store(grp: u32, p: u32, c0: u32, v: vec4<f32>) {
  let WoR = (g.Wo + ${R - 1}u) / ${R}u * ${R}u;
  let ow = p % WoR;
  if (ow >= g.Wo) { return; }
  let n = p / WoR / g.Ho;
  let at = (p / WoR % g.Ho) * g.Wo + ow;
  for (var t = 0u; t < 4u; t++) {
    let f = grp * g.Fg + c0 + t;
    if (c0 + t < g.Fg) { out[(n * g.F + f) * g.Ho * g.Wo + at] = v[t]${hasBias ? ' + bias[f]' : ''}; }
  }
}`,
    `  // The tile's output row (n, oh) and first column ow0; the x index where its windows' first rows start.
  let WoR = (g.Wo + ${R - 1}u) / ${R}u * ${R}u;
  let HW = g.H * g.W;
  let n = r0 / WoR / g.Ho;
  let ow0 = r0 % WoR;
  let line = (n * g.C + grp * g.Cg) * HW + (r0 / WoR % g.Ho) * g.stride * g.W;
  // Tile column t = filter c0 + t of the group: its first weight.
  let K = g.Cg * g.HH * g.WW;
  var wrow: vec4<u32>;
  for (var t = 0u; t < 4u; t++) { wrow[t] = (grp * g.Fg + min(c0 + t, g.Fg - 1u)) * K; }
  var k = 0u;
${sliding ? slidingSteps(HH, WW) : STRIDED_STEPS}`,
    R,
  );
};

/** WGSL: 8 tile rows accumulate the rank-1 update lo[r]·b (rows 0…3) and hi[r]·b (rows 4…7). */
const ACCUMULATE_8 = ROWS.map((v, r) => `acc${r} += lo.${v} * b; acc${r + 4} += hi.${v} * b;`).join(' ');

/** The sliding forward reduction (stride 1, dilation 1, 8 positions per tile), HH × WW steps unrolled. */
function slidingSteps(HH: number, WW: number): string {
  const steps: string[] = [];
  for (let kh = 0; kh < HH; kh++) {
    const xs = Array.from({ length: WW + 7 }, (_, j) => `x[min(at + ${kh}u * g.W + ${j}u, last)]`);
    steps.push(`{
      let v = array<f32, ${WW + 7}>(${xs.join(', ')});`);
    for (let kw = 0; kw < WW; kw++) {
      const four = (from: number) => `vec4<f32>(${[0, 1, 2, 3].map((j) => `v[${from + j}]`).join(', ')})`;
      steps.push(`{
        let lo = ${four(kw)};
        let hi = ${four(kw + 4)};
        let b = vec4<f32>(${ROWS.map((v) => `w[wrow.${v} + k + ${kh * WW + kw}u]`).join(', ')});
        ${ACCUMULATE_8}
      }`);
    }
    steps.push('}');
  }
  return `  // Overhanging positions may read past the last plane: clamp to the buffer's end (their results are dropped).
  let last = g.N * g.C * HW - 1u;
  for (var c = 0u; c < g.Cg; c++) {
    let at = line + ow0 + c * HW;
    ${steps.join('\n    ')}
    k += ${HH * WW}u;
  }`;
}

/** The forward reduction for any stride and dilation: 4 x loads per step. */
const STRIDED_STEPS = `  var corner: vec4<u32>;
  for (var r = 0u; r < 4u; r++) { corner[r] = line + min(ow0 + r, g.Wo - 1u) * g.stride; }
  let rowStep = g.dilation * g.W;
  for (var c = 0u; c < g.Cg; c++) {
    var rowOffset = c * HW;
    for (var kh = 0u; kh < g.HH; kh++) {
      var offset = rowOffset;
      for (var kw = 0u; kw < g.WW; kw++) {
        let at = corner + vec4<u32>(offset);
        let a = vec4<f32>(${ROWS.map((v) => `x[at.${v}]`).join(', ')});
        let b = vec4<f32>(${ROWS.map((v) => `w[wrow.${v} + k]`).join(', ')});
        ${ACCUMULATE}
        offset += g.dilation;
        k++;
      }
      rowOffset += rowStep;
    }
  }`;

/** x (N, C, H, W) → the same with `pad` zeros around each plane. One invocation per output element. */
const padKernel: Kernel = {
  key: 'conv2d:pad',
  source: () => `
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
struct Params { planes: u32, H: u32, W: u32, pad: u32 }
@group(0) @binding(2) var<uniform> params: Params;
${MAIN_1D}
  let Wp = params.W + 2u * params.pad;
  let Hp = params.H + 2u * params.pad;
  if (i >= params.planes * Hp * Wp) { return; }
  let plane = i / (Hp * Wp);
  let h = i32((i / Wp) % Hp) - i32(params.pad);
  let w = i32(i % Wp) - i32(params.pad);
  let inside = h >= 0 && h < i32(params.H) && w >= 0 && w < i32(params.W);
  let at = select(0u, (plane * params.H + u32(h)) * params.W + u32(w), inside);
  dst[i] = select(0.0, src[at], inside);
}`,
};

/** x with its padding written out as zeros, and the geometry that reads it with pad 0. */
function padded(x: GpuTensor, g: ConvGeometry): { xp: GpuTensor; gp: ConvGeometry } {
  if (g.pad === 0) return { xp: x, gp: g };
  const [H, W] = [g.H + 2 * g.pad, g.W + 2 * g.pad];
  const xp = empty(x.gpu, [g.N, g.C, H, W]);
  const fields = [g.N * g.C, g.H, g.W, g.pad].map((v) => ['u32', v] as const);
  launch(x.gpu, padKernel, [x.buffer, xp.buffer], fields, grid1d(g.N * g.C * H * W));
  return { xp, gp: { ...g, H, W, pad: 0 } };
}

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
  const { xp, gp } = padded(x, g);
  const sliding = g.stride === 1 && g.dilation === 1;
  const R = sliding ? 8 : 4;
  const kernel = forwardKernel(!!bias, sliding, sliding ? g.HH : 0, sliding ? g.WW : 0);
  launchTiles(kernel, [xp, w, ...(bias ? [bias] : []), out], gp, g.N * g.Ho * Math.ceil(g.Wo / R) * R, g.F / g.groups, R);
  if (xp !== x) release(xp);
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
