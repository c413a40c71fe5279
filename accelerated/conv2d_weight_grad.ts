import type { Kernel } from './runtime/kernel';
import { ACCUMULATE, ROWS, tileKernel } from './conv2d_tiles';

/**
 * Weight-gradient GEMM per group: rows = the group's filters (F/groups), columns = weights of a
 * filter (c, kh, kw) (C/groups·HH·WW), reduction over output positions (n, oh, ow) (N·Ho·Wo).
 * Few outputs (e.g. 16 × 25) each summing many products (e.g. 39,200) would leave all the work to
 * one workgroup, so the reduction is split (split-K): part p sums the output rows (n, oh) in
 * [p·chunk, (p+1)·chunk) into its own (F, C/groups·HH·WW) slab, and a column sum
 * (accelerated/runtime/reduce.ts) adds the slabs (see convWeightGrad for the part count). x is read
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
export type Taps = 0 | 4 | 8;

export const weightGradKernel = (taps: Taps): Kernel =>
  tileKernel(
    'weight-grad',
    ['x', 'dout'],
    'dw',
    storeWeights(taps),
    `  let G = u.C / u.Cg;
  let part = grp / G;
  let gr = grp % G;
  let HW = u.H * u.W;
  let HoWo = u.Ho * u.Wo;
  // Filter f0 + r of the group (r < 4): its dout plane in image 0.
  let f0 = r0${taps === 8 ? ' / 2u' : ''};
  var drow: vec4<u32>;
  for (var r = 0u; r < 4u; r++) { drow[r] = (gr * u.Fg + min(f0 + r, u.Fg - 1u)) * HoWo; }
${taps ? slidingCorner(taps) : STRIDED_TAPS}
  for (var q = part * u.chunk; q < min(part * u.chunk + u.chunk, u.N * u.Ho); q++) {
    let n = q / u.Ho;
    let oh = q % u.Ho;
    let d = drow + vec4<u32>(n * u.F * HoWo + oh * u.Wo);
${taps ? slidingOutputRow(taps) : STRIDED_OUTPUT_ROW}
  }`,
    taps === 8 ? 8 : 4,
  );

/** WGSL store(grp, p, c0, v): tile row p (a filter) of tile columns c0…c0+3 into part grp / G's slab. */
const storeWeights = (taps: Taps) => `fn store(grp: u32, p: u32, c0: u32, v: vec4<f32>) {
  let K = u.Cg * u.HH * u.WW;
  let fl = ${taps === 8 ? 'p / 8u * 4u + p % 4u' : 'p'};
  if (fl >= u.Fg) { return; }
  let G = u.C / u.Cg;
  let row = ((grp / G) * u.F + (grp % G) * u.Fg + fl) * K;
  for (var t = 0u; t < 4u; t++) {
    ${taps ? storeSlidingTap(taps) : 'if (c0 + t < K) { dw[row + c0 + t] = v[t]; }'}
  }
}`;

/** WGSL: the sliding tile's tap t of kernel row kr, skipped past WW. */
const storeSlidingTap = (taps: 4 | 8) => `let Q = (u.WW + ${taps - 1}u) / ${taps}u;
  let kr = c0 / 4u / Q;
  let kw = (c0 / 4u % Q) * ${taps}u${taps === 8 ? ' + p % 8u / 4u * 4u' : ''} + t;
  if (kw < u.WW) { dw[row + kr * u.WW + kw] = v[t]; }`;

/** WGSL: the sliding tile's kernel row (c, kh) and first tap kw0, as the x index of its window corner in image 0. */
const slidingCorner = (taps: 4 | 8) => `  // The tile's kernel row (c, kh) and first tap kw0: the x index of its taps' window corner in image 0.
  let Q = (u.WW + ${taps - 1}u) / ${taps}u;
  let kr = c0 / 4u / Q;
  let corner = (gr * u.Cg + kr / u.HH) * HW + (kr % u.HH) * u.W + (c0 / 4u % Q) * ${taps}u;
  // Taps past WW may read past the last plane: clamp to the buffer's end (their results are dropped).
  let last = u.N * u.C * HW - 1u;`;

/** WGSL: the strided tile's column t = weight (c, kh, kw) = c0 + t, as its offset from a window's corner in image 0. */
const STRIDED_TAPS = `  // Tile column t = weight (c, kh, kw) = c0 + t: its offset from a window's corner in image 0.
  let K = u.Cg * u.HH * u.WW;
  var tap: vec4<u32>;
  for (var t = 0u; t < 4u; t++) {
    let k = min(c0 + t, K - 1u);
    tap[t] = (gr * u.Cg + k / (u.HH * u.WW)) * HW + (k / u.WW) % u.HH * u.dilation * u.W + k % u.WW * u.dilation;
  }`;

/** WGSL: the 4 filters' dout values at output column ow. */
const DOUT_COLUMN = `vec4<f32>(${ROWS.map((v) => `dout[d.${v} + ow]`).join(', ')})`;

/** WGSL: x values at + 4h … at + 4h + 3 as the vec4 b<h>, clamped to the buffer's end. */
const xQuad = (h: number) => `var b${h} = vec4<f32>(${[0, 1, 2, 3].map((j) => `x[min(at + ${4 * h + j}u, last)]`).join(', ')});`;

/** WGSL of one output row (n, oh) of a sliding tile: the taps' x values slide by one per output column. */
function slidingOutputRow(taps: 4 | 8): string {
  const update = ROWS.map((v, r) => `acc${r} += a.${v} * b0;${taps === 8 ? ` acc${r + 4} += a.${v} * b1;` : ''}`).join(' ');
  const slideOn =
    taps === 8
      ? `b0 = vec4<f32>(b0.yzw, b1.x);
      b1 = vec4<f32>(b1.yzw, x[min(at + ow + 8u, last)]);`
      : 'b0 = vec4<f32>(b0.yzw, x[min(at + ow + 4u, last)]);';
  return `    let at = corner + n * u.C * HW + oh * u.W;
    ${Array.from({ length: taps / 4 }, (_, h) => xQuad(h)).join('\n    ')}
    for (var ow = 0u; ow < u.Wo; ow++) {
      let a = ${DOUT_COLUMN};
      ${update}
      ${slideOn}
    }`;
}

/** WGSL of one output row (n, oh) of a strided tile: 4 x loads per output column. */
const STRIDED_OUTPUT_ROW = `    let at = tap + vec4<u32>(n * u.C * HW + oh * u.stride * u.W);
    for (var ow = 0u; ow < u.Wo; ow++) {
      let a = ${DOUT_COLUMN};
      let xo = at + vec4<u32>(ow * u.stride);
      let b = vec4<f32>(${ROWS.map((v) => `x[xo.${v}]`).join(', ')});
      ${ACCUMULATE}
    }`;
