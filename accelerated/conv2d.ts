import { validateConv2d, type Conv2dParams, type ConvGeometry } from '../reference/conv2d';
import { requireShape } from '../reference/validate';
import { alloc, empty, release, view, type GpuTensor } from './buffers';
import { grid1d, launch, MAIN_1D, type Kernel } from './launch';
import { pointwise } from './pointwise';
import { columnSums } from './reduce';

/**
 * Twin of reference/conv2d: forward, dx and dw are three implicit GEMMs (x is gathered inside the
 * kernels, no im2col buffer; the forward and dw read x through a zero-padded copy), db a
 * per-channel sum. conv_transpose2d reuses them (its forward is the dx GEMM, its dx the forward
 * GEMM). With stride 1 and dilation 1, dx runs as the forward GEMM of the padded dout with flipped
 * filters (convInputGrad).
 *
 * Tiling shared by the three GEMM kernels (the idea of accelerated/matmul.ts): each invocation
 * accumulates a 4×4 tile of its GEMM's output in registers (four vec4 accumulators, one per tile
 * row, a component per tile column), loading 4 row values and 4 column values per reduction step:
 * 16 FMAs per 8 loads. With stride 1 and dilation 1 the forward uses 8×4 or 16×4 tiles and dw
 * 4×4 or 4×8 tiles that reuse x loads sliding along a row (see forwardKernel, weightGradKernel). No workgroup
 * memory and no barriers, because SwiftShader runs barriers very slowly. dw and db have few
 * outputs, each a long sum (N·H'·W' terms), so their reductions are split into parts summed by
 * separate invocations, then added by accelerated/reduce.ts's column sum (split-K), which keeps
 * every core busy. The tiles are numbered (part, group, row tile, column tile), column tile
 * fastest, on one flat grid (grid1d) so that no dimension exceeds 65535 workgroups. Reads in the
 * padding or in stride gaps give 0; tile rows and columns overhanging the edges are computed but
 * not written.
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
  stride: u32, pad: u32, dilation: u32, Cg: u32, Fg: u32, rowTiles: u32, colTiles: u32, tiles: u32, chunk: u32,
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

/**
 * Runs a tile kernel of `tileRows` × 4 tiles over a `rows` × `cols` GEMM per channel group; with
 * split-K, `parts` copies of that grid (the kernel's `grp` is then part · groups + group), each
 * summing `chunk` reduction rows (the uniform g.chunk).
 */
function launchTiles(kernel: Kernel, tensors: GpuTensor[], g: ConvGeometry, rows: number, cols: number, tileRows = 4, parts = 1, chunk = 0): void {
  const rowTiles = Math.ceil(rows / tileRows);
  const colTiles = Math.ceil(cols / 4);
  const tiles = rowTiles * colTiles * g.groups * parts;
  const sizes = [g.N, g.C, g.H, g.W, g.F, g.HH, g.WW, g.Ho, g.Wo, g.stride, g.pad, g.dilation, g.C / g.groups, g.F / g.groups];
  const fields = [...sizes, rowTiles, colTiles, tiles, chunk].map((v) => ['u32', v] as const);
  launch(tensors[0].gpu, kernel, tensors.map((t) => t.buffer), fields, grid1d(tiles));
}

/**
 * Forward GEMM per group: rows = output positions (n, oh, ow), columns = the group's filters
 * (F/groups), reduction over (c, kh, kw) (C/groups·HH·WW). A tile is R output positions × 4
 * filters, its R positions consecutive along one output row (rows are numbered with Wo rounded up
 * to a multiple of R; the overhang is computed on clamped or neighbouring positions and not
 * written). The kernel reads x through a zero-padded copy (launched with pad 0, see convForward),
 * so every window lies inside its plane and loads need no masks.
 * - stride 1 and dilation 1 (`sliding`, R = 8 or 16: see slide): the R positions' windows overlap,
 *   so per kernel row the x values are R + WW − 1 consecutive loads, and step kw takes the R
 *   starting at kw; the HH × WW steps are unrolled (loop overhead dominates short loops on
 *   SwiftShader). Per step 4 weight loads and ~1 x load feed 4·R FMAs.
 * - otherwise (R = 4): the offset of step (c, kh, kw) from a window's corner is one scalar shared by
 *   the 4 positions, advanced by additions; each step loads 4 x values and 4 weights for 16 FMAs.
 */
const forwardKernel = (hasBias: boolean, sliding: boolean, HH: number, WW: number) => {
  const R = sliding ? slide(WW) : 4;
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

/**
 * Output positions per tile of the sliding forward: 16 for kernels at least 5 wide, else 8.
 * Measured on SwiftShader: 16 ran the 5×5 forward (1 → 16 channels) and its dx about 20% faster
 * than 8, but a 3×3 forward (16 → 32 channels) about 15% slower.
 */
const slide = (WW: number): number => (WW >= 5 ? 16 : 8);

/** The sliding forward reduction (stride 1, dilation 1, slide(WW) positions per tile), HH × WW steps unrolled. */
function slidingSteps(HH: number, WW: number): string {
  const R = slide(WW);
  const quads = Array.from({ length: R / 4 }, (_, q) => q);
  // Tile row 4q + r accumulates the rank-1 update q<q>[r]·b.
  const accumulate = quads.map((q) => ROWS.map((v, r) => `acc${4 * q + r} += q${q}.${v} * b;`).join(' ')).join(' ');
  const steps: string[] = [];
  for (let kh = 0; kh < HH; kh++) {
    const xs = Array.from({ length: WW + R - 1 }, (_, j) => `x[min(at + ${kh}u * g.W + ${j}u, last)]`);
    steps.push(`{
      let v = array<f32, ${WW + R - 1}>(${xs.join(', ')});`);
    for (let kw = 0; kw < WW; kw++) {
      const four = (from: number) => `vec4<f32>(${[0, 1, 2, 3].map((j) => `v[${from + j}]`).join(', ')})`;
      steps.push(`{
        ${quads.map((q) => `let q${q} = ${four(kw + 4 * q)};`).join(' ')}
        let b = vec4<f32>(${ROWS.map((v) => `w[wrow.${v} + k + ${kh * WW + kw}u]`).join(', ')});
        ${accumulate}
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

/** x (N, C, H, W) → the same with padH / padW zeros around each plane. One invocation per output element. */
const padKernel: Kernel = {
  key: 'conv2d:pad',
  source: () => `
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
struct Params { planes: u32, H: u32, W: u32, padH: u32, padW: u32 }
@group(0) @binding(2) var<uniform> params: Params;
${MAIN_1D}
  let Wp = params.W + 2u * params.padW;
  let Hp = params.H + 2u * params.padH;
  if (i >= params.planes * Hp * Wp) { return; }
  let plane = i / (Hp * Wp);
  let h = i32((i / Wp) % Hp) - i32(params.padH);
  let w = i32(i % Wp) - i32(params.padW);
  let inside = h >= 0 && h < i32(params.H) && w >= 0 && w < i32(params.W);
  let at = select(0u, (plane * params.H + u32(h)) * params.W + u32(w), inside);
  dst[i] = select(0.0, src[at], inside);
}`,
};

/**
 * x with its padding written out as zeros (padH rows, padW columns; both g.pad unless given), and
 * the geometry that reads it with pad 0.
 */
function padded(x: GpuTensor, g: ConvGeometry, padH = g.pad, padW = g.pad): { xp: GpuTensor; gp: ConvGeometry } {
  if (padH === 0 && padW === 0) return { xp: x, gp: g };
  const [H, W] = [g.H + 2 * padH, g.W + 2 * padW];
  const xp = alloc(x.gpu, [g.N, g.C, H, W]);
  const fields = [g.N * g.C, g.H, g.W, padH, padW].map((v) => ['u32', v] as const);
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
 * Few outputs (e.g. 16 × 25) each summing many products (e.g. 39,200) would leave all the work to
 * one workgroup, so the reduction is split (split-K): part p sums the output rows (n, oh) in
 * [p·chunk, (p+1)·chunk) into its own (F, C/groups·HH·WW) slab, and a column sum
 * (accelerated/reduce.ts) adds the slabs (see convWeightGrad for the part count). x is read
 * through a zero-padded copy, so no load needs a mask. Tiles:
 * - stride 1 and dilation 1 (`taps` = 4 or 8, sliding): a tile is 4 filters × `taps` consecutive
 *   taps kw0… of one kernel row (c, kh) (each kernel row is covered by ⌈WW/taps⌉ tiles; taps past
 *   WW are computed but not written). Along an output row those taps read consecutive x values
 *   that slide by one per step, kept in registers (one vec4 per 4 taps): each step loads 4 dout
 *   values and 1 x value for 4·taps FMAs. 8 taps (tile rows 0…3 hold taps kw0…kw0+3 of the 4
 *   filters, rows 4…7 taps kw0+4…) when WW > 4, else 4.
 * - otherwise (`taps` = 0) a tile is 4 filters × 4 weights; each step loads 4 dout values and
 *   4 x values for 16 FMAs.
 */
const weightGradKernel = (taps: 0 | 4 | 8) => {
  const storeSliding = `let Q = (g.WW + ${taps - 1}u) / ${taps}u;
  let kr = c0 / 4u / Q;
  let kw = (c0 / 4u % Q) * ${taps}u${taps === 8 ? ' + p % 8u / 4u * 4u' : ''} + t;
  if (kw < g.WW) { dw[row + kr * g.WW + kw] = v[t]; }`;
  return tileKernel(
    `weight-grad:${taps}`,
    ['x', 'dout', 'dw'],
    `fn store(grp: u32, p: u32, c0: u32, v: vec4<f32>) {
  let K = g.Cg * g.HH * g.WW;
  let fl = ${taps === 8 ? 'p / 8u * 4u + p % 4u' : 'p'};
  if (fl >= g.Fg) { return; }
  let G = g.C / g.Cg;
  let row = ((grp / G) * g.F + (grp % G) * g.Fg + fl) * K;
  for (var t = 0u; t < 4u; t++) {
    ${taps ? storeSliding : 'if (c0 + t < K) { dw[row + c0 + t] = v[t]; }'}
  }
}`,
    `  let G = g.C / g.Cg;
  let part = grp / G;
  let gr = grp % G;
  let HW = g.H * g.W;
  let HoWo = g.Ho * g.Wo;
  // Filter f0 + r of the group (r < 4): its dout plane in image 0.
  let f0 = r0${taps === 8 ? ' / 2u' : ''};
  var drow: vec4<u32>;
  for (var r = 0u; r < 4u; r++) { drow[r] = (gr * g.Fg + min(f0 + r, g.Fg - 1u)) * HoWo; }
${taps
  ? `  // The tile's kernel row (c, kh) and first tap kw0: the x index of its taps' window corner in image 0.
  let Q = (g.WW + ${taps - 1}u) / ${taps}u;
  let kr = c0 / 4u / Q;
  let corner = (gr * g.Cg + kr / g.HH) * HW + (kr % g.HH) * g.W + (c0 / 4u % Q) * ${taps}u;
  // Taps past WW may read past the last plane: clamp to the buffer's end (their results are dropped).
  let last = g.N * g.C * HW - 1u;`
  : `  // Tile column t = weight (c, kh, kw) = c0 + t: its offset from a window's corner in image 0.
  let K = g.Cg * g.HH * g.WW;
  var tap: vec4<u32>;
  for (var t = 0u; t < 4u; t++) {
    let k = min(c0 + t, K - 1u);
    tap[t] = (gr * g.Cg + k / (g.HH * g.WW)) * HW + (k / g.WW) % g.HH * g.dilation * g.W + k % g.WW * g.dilation;
  }`}
  for (var q = part * g.chunk; q < min(part * g.chunk + g.chunk, g.N * g.Ho); q++) {
    let n = q / g.Ho;
    let oh = q % g.Ho;
    let d = drow + vec4<u32>(n * g.F * HoWo + oh * g.Wo);
${taps
  ? `    let at = corner + n * g.C * HW + oh * g.W;
    ${Array.from({ length: taps / 4 }, (_, h) => `var b${h} = vec4<f32>(${[0, 1, 2, 3].map((j) => `x[min(at + ${4 * h + j}u, last)]`).join(', ')});`).join('\n    ')}
    for (var ow = 0u; ow < g.Wo; ow++) {
      let a = vec4<f32>(${ROWS.map((v) => `dout[d.${v} + ow]`).join(', ')});
      ${ROWS.map((v, r) => `acc${r} += a.${v} * b0;${taps === 8 ? ` acc${r + 4} += a.${v} * b1;` : ''}`).join(' ')}
      ${taps === 8
        ? `b0 = vec4<f32>(b0.yzw, b1.x);
      b1 = vec4<f32>(b1.yzw, x[min(at + ow + 8u, last)]);`
        : 'b0 = vec4<f32>(b0.yzw, x[min(at + ow + 4u, last)]);'}
    }`
  : `    let at = tap + vec4<u32>(n * g.C * HW + oh * g.stride * g.W);
    for (var ow = 0u; ow < g.Wo; ow++) {
      let a = vec4<f32>(${ROWS.map((v) => `dout[d.${v} + ow]`).join(', ')});
      let xo = at + vec4<u32>(ow * g.stride);
      let b = vec4<f32>(${ROWS.map((v) => `x[xo.${v}]`).join(', ')});
      ${ACCUMULATE}
    }`}
  }`,
    taps === 8 ? 8 : 4,
  );
};

/**
 * Σ over positions of a (N, F, Ho, Wo) tensor → (N, F), one invocation per (n, f) (plain loads, no
 * shared memory); channelSums then adds the N rows with accelerated/reduce.ts's column sum (one
 * invocation per channel over all N·Ho·Wo values would leave the work to a single workgroup).
 */
const planeSumKernel: Kernel = {
  key: 'conv2d:plane-sums',
  source: () => `
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
struct Params { planes: u32, L: u32 }
@group(0) @binding(2) var<uniform> params: Params;
${MAIN_1D}
  if (i >= params.planes) { return; }
  var s = 0.0;
  for (var l = i * params.L; l < (i + 1u) * params.L; l++) { s += src[l]; }
  dst[i] = s;
}`,
};

/** out (N, F, Ho, Wo) = conv(x, w) (+ bias[f]). */
export function convForward(x: GpuTensor, w: GpuTensor, bias: GpuTensor | undefined, g: ConvGeometry): GpuTensor {
  const out = empty(x.gpu, [g.N, g.F, g.Ho, g.Wo]);
  const { xp, gp } = padded(x, g);
  const sliding = g.stride === 1 && g.dilation === 1;
  const R = sliding ? slide(g.WW) : 4;
  const kernel = forwardKernel(!!bias, sliding, sliding ? g.HH : 0, sliding ? g.WW : 0);
  launchTiles(kernel, [xp, w, ...(bias ? [bias] : []), out], gp, g.N * g.Ho * Math.ceil(g.Wo / R) * R, g.F / g.groups, R);
  if (xp !== x) release(xp);
  return out;
}

/**
 * dx (N, C, H, W) of conv(x, w) for upstream dout (N, F, Ho, Wo) (+ bias[c]: conv_transpose2d's
 * forward). With stride 1 and dilation 1, dx is the forward convolution of dout, padded by
 * HH − 1 − pad rows and WW − 1 − pad columns, with the filters flipped and their in/out channels
 * swapped (flippedFilters), so it runs on the sliding forward kernel (x loads shared across 8
 * positions) instead of the gathering input-gradient kernel.
 */
export function convInputGrad(dout: GpuTensor, w: GpuTensor, bias: GpuTensor | undefined, g: ConvGeometry): GpuTensor {
  const [padH, padW] = [g.HH - 1 - g.pad, g.WW - 1 - g.pad];
  if (g.stride === 1 && g.dilation === 1 && padH >= 0 && padW >= 0) {
    const adjoint: ConvGeometry = { ...g, C: g.F, H: g.Ho, W: g.Wo, F: g.C, Ho: g.H, Wo: g.W, pad: 0 };
    const { xp, gp } = padded(dout, adjoint, padH, padW);
    const flipped = flippedFilters(w, g);
    const dx = convForward(xp, flipped, bias, gp);
    release(flipped);
    if (xp !== dout) release(xp);
    return dx;
  }
  const dx = empty(dout.gpu, [g.N, g.C, g.H, g.W]);
  launchTiles(inputGradKernel(!!bias), [dout, w, ...(bias ? [bias] : []), dx], g, g.N * g.H * g.W, g.C / g.groups);
  return dx;
}

/** w (F, C/groups, HH, WW) → w' (C, F/groups, HH, WW), w'[g·Cg + c, f, kh, kw] = w[g·Fg + f, c, HH−1−kh, WW−1−kw]. */
function flippedFilters(w: GpuTensor, g: ConvGeometry): GpuTensor {
  const [Cg, Fg] = [g.C / g.groups, g.F / g.groups];
  return pointwise(w.gpu, {
    name: 'conv2d:flipped-filters',
    inputs: { w },
    outputs: { flipped: { shape: [g.C, Fg, g.HH, g.WW] } },
    uniforms: { Cg: ['u32', Cg], Fg: ['u32', Fg], HH: ['u32', g.HH], WW: ['u32', g.WW] },
    count: g.C * Fg * g.HH * g.WW,
    body: `let kw = i % WW;
  let kh = (i / WW) % HH;
  let f = (i / (WW * HH)) % Fg;
  let c = i / (WW * HH * Fg);
  flipped[i] = w[((((c / Cg) * Fg + f) * Cg + c % Cg) * HH + HH - 1u - kh) * WW + WW - 1u - kw];`,
  }).flipped;
}

/** Invocations the split-K weight gradient aims for: 32 workgroups of 64, enough to keep every core busy. */
const SPLIT_K_INVOCATIONS = 2048;
/** Fewest reduction rows (n, oh) per part, so that a part's work outweighs its share of the column sum. */
const MIN_CHUNK = 4;

/** dw (F, C/groups, HH, WW) of conv(x, w) for upstream dout (N, F, Ho, Wo). */
export function convWeightGrad(x: GpuTensor, dout: GpuTensor, g: ConvGeometry): GpuTensor {
  const [Cg, Fg] = [g.C / g.groups, g.F / g.groups];
  const taps = g.stride !== 1 || g.dilation !== 1 ? 0 : g.WW > 4 ? 8 : 4;
  // GEMM rows and columns as launchTiles counts them (see weightGradKernel).
  const rows = taps === 8 ? Math.ceil(Fg / 4) * 8 : Fg;
  const cols = taps ? Cg * g.HH * Math.ceil(g.WW / taps) * 4 : Cg * g.HH * g.WW;
  const tiles = Math.ceil(Fg / 4) * Math.ceil(cols / 4) * g.groups;
  // Split-K: enough parts for SPLIT_K_INVOCATIONS invocations, each at least MIN_CHUNK rows (n, oh).
  const reduction = g.N * g.Ho;
  const chunk = Math.max(MIN_CHUNK, Math.ceil(reduction / Math.ceil(SPLIT_K_INVOCATIONS / tiles)));
  const parts = Math.ceil(reduction / chunk);
  const { xp, gp } = padded(x, g);
  const shape = [g.F, Cg, g.HH, g.WW];
  const slabs = alloc(x.gpu, parts === 1 ? shape : [parts, g.F * Cg * g.HH * g.WW]);
  launchTiles(weightGradKernel(taps), [xp, dout, slabs], gp, rows, cols, taps === 8 ? 8 : 4, parts, chunk);
  if (xp !== x) release(xp);
  if (parts === 1) return slabs;
  const dw = columnSums(slabs);
  release(slabs);
  return view(dw, shape);
}

/** db[f] = Σ_{n, i, j} dout[n, f, i, j]. */
export function channelSums(dout: GpuTensor): GpuTensor {
  const [N, F, Ho, Wo] = dout.shape;
  const planes = alloc(dout.gpu, [N, F]);
  launch(dout.gpu, planeSumKernel, [dout.buffer, planes.buffer], [['u32', N * F], ['u32', Ho * Wo]], grid1d(N * F));
  const db = columnSums(planes);
  release(planes);
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
  const { N, F, Ho, Wo } = geometry;
  requireShape('conv2d_backward', 'dout', dout, [N, F, Ho, Wo], 'the forward output shape');
  return {
    dx: convInputGrad(dout, w, undefined, geometry),
    dw: convWeightGrad(x, dout, geometry),
    db: channelSums(dout),
  };
}
