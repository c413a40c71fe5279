import type { Kernel } from './runtime/kernel';
import { ACCUMULATE, ROWS, tileKernel } from './conv2d_tiles';

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
export const forwardKernel = (hasBias: boolean, sliding: boolean, HH: number, WW: number): Kernel => {
  const R = sliding ? slide(WW) : 4;
  return tileKernel(
    'forward',
    ['x', 'w', ...(hasBias ? ['bias'] : [])],
    'out',
    storeOutputs(R, hasBias),
    `  // The tile's output row (n, oh) and first column ow0; the x index where its windows' first rows start.
  let WoR = (u.Wo + ${R - 1}u) / ${R}u * ${R}u;
  let HW = u.H * u.W;
  let n = r0 / WoR / u.Ho;
  let ow0 = r0 % WoR;
  let line = (n * u.C + grp * u.Cg) * HW + (r0 / WoR % u.Ho) * u.stride * u.W;
  // Tile column t = filter c0 + t of the group: its first weight.
  let K = u.Cg * u.HH * u.WW;
  var wrow: vec4<u32>;
  for (var t = 0u; t < 4u; t++) { wrow[t] = (grp * u.Fg + min(c0 + t, u.Fg - 1u)) * K; }
  var k = 0u;
${sliding ? slidingSteps(HH, WW) : STRIDED_STEPS}`,
    R,
  );
};

/** WGSL store(grp, p, c0, v): tile row p (output position in rows of Wo rounded up to R) of filters c0…c0+3, (+ bias). */
const storeOutputs = (R: number, hasBias: boolean) => `fn store(grp: u32, p: u32, c0: u32, v: vec4<f32>) {
  let WoR = (u.Wo + ${R - 1}u) / ${R}u * ${R}u;
  let ow = p % WoR;
  if (ow >= u.Wo) { return; }
  let n = p / WoR / u.Ho;
  let at = (p / WoR % u.Ho) * u.Wo + ow;
  for (var t = 0u; t < 4u; t++) {
    let f = grp * u.Fg + c0 + t;
    if (c0 + t < u.Fg) { out[(n * u.F + f) * u.Ho * u.Wo + at] = v[t]${hasBias ? ' + bias[f]' : ''}; }
  }
}`;

/**
 * Output positions per tile of the sliding forward: 16 for kernels at least 5 wide, else 8.
 * Measured on SwiftShader: 16 ran the 5×5 forward (1 → 16 channels) and its dx about 20% faster
 * than 8, but a 3×3 forward (16 → 32 channels) about 15% slower.
 */
export const slide = (WW: number): number => (WW >= 5 ? 16 : 8);

/** WGSL: the 4 loaded x values v[from…from+3] as a vec4. */
const fourOf = (from: number) => `vec4<f32>(${[0, 1, 2, 3].map((j) => `v[${from + j}]`).join(', ')})`;

/** WGSL of tap (kh, kw) of the sliding forward: tile row 4q + r accumulates the rank-1 update q<q>[r]·b. */
function slidingTap(R: number, WW: number, kh: number, kw: number): string {
  const quads = Array.from({ length: R / 4 }, (_, q) => q);
  const accumulate = quads.map((q) => ROWS.map((v, r) => `acc${4 * q + r} += q${q}.${v} * b;`).join(' ')).join(' ');
  return `{
        ${quads.map((q) => `let q${q} = ${fourOf(kw + 4 * q)};`).join(' ')}
        let b = vec4<f32>(${ROWS.map((v) => `w[wrow.${v} + k + ${kh * WW + kw}u]`).join(', ')});
        ${accumulate}
      }`;
}

/** WGSL of kernel row kh of the sliding forward: its R + WW − 1 x values, then its WW taps. */
function slidingRow(R: number, WW: number, kh: number): string {
  const xs = Array.from({ length: WW + R - 1 }, (_, j) => `x[min(at + ${kh}u * u.W + ${j}u, last)]`);
  const taps = Array.from({ length: WW }, (_, kw) => slidingTap(R, WW, kh, kw));
  return [
    `{
      let v = array<f32, ${WW + R - 1}>(${xs.join(', ')});`,
    ...taps,
    '}',
  ].join('\n    ');
}

/** The sliding forward reduction (stride 1, dilation 1, slide(WW) positions per tile), HH × WW steps unrolled. */
function slidingSteps(HH: number, WW: number): string {
  const R = slide(WW);
  const rows = Array.from({ length: HH }, (_, kh) => slidingRow(R, WW, kh));
  return `  // Overhanging positions may read past the last plane: clamp to the buffer's end (their results are dropped).
  let last = u.N * u.C * HW - 1u;
  for (var c = 0u; c < u.Cg; c++) {
    let at = line + ow0 + c * HW;
    ${rows.join('\n    ')}
    k += ${HH * WW}u;
  }`;
}

/** The forward reduction for any stride and dilation: 4 x loads per step. */
const STRIDED_STEPS = `  var corner: vec4<u32>;
  for (var r = 0u; r < 4u; r++) { corner[r] = line + min(ow0 + r, u.Wo - 1u) * u.stride; }
  let rowStep = u.dilation * u.W;
  for (var c = 0u; c < u.Cg; c++) {
    var rowOffset = c * HW;
    for (var kh = 0u; kh < u.HH; kh++) {
      var offset = rowOffset;
      for (var kw = 0u; kw < u.WW; kw++) {
        let at = corner + vec4<u32>(offset);
        let a = vec4<f32>(${ROWS.map((v) => `x[at.${v}]`).join(', ')});
        let b = vec4<f32>(${ROWS.map((v) => `w[wrow.${v} + k]`).join(', ')});
        ${ACCUMULATE}
        offset += u.dilation;
        k++;
      }
      rowOffset += rowStep;
    }
  }`;
