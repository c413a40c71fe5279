import type { Kernel } from './runtime/kernel';
import { ACCUMULATE, gather4, ROWS, tileKernel } from './conv2d_tiles';

/**
 * Input-gradient GEMM per group, written as a gather (no atomics): rows = input positions
 * (n, ih, iw) (N·H·W), columns = the group's input channels (C/groups), reduction over (f, kh, kw)
 * (F/groups·HH·WW). Input pixel ih receives dout[oh] through tap kh when ih + pad − kh·dilation =
 * oh·stride; other taps read 0. A tile is 4 input positions × 4 channels; each step loads 4 dout
 * values and 4 weights. (With stride 1 and dilation 1, convInputGrad runs the sliding forward
 * kernel instead.)
 */
export const inputGradKernel = (hasBias: boolean): Kernel =>
  tileKernel(
    'input-grad',
    ['dout', 'w', ...(hasBias ? ['bias'] : [])],
    'dx',
    `${gather4('dout')}\n${storeInputGrad(hasBias)}`,
    `${TILE_ORIGINS}
  let s = vec4<i32>(i32(u.stride));
  for (var f = 0u; f < u.Fg; f++) {
    let plane = plane0 + vec4<u32>(f * HoWo);
    let wf = (grp * u.Fg + f) * u.Cg * KK;
    for (var kh = 0u; kh < u.HH; kh++) {
${KERNEL_ROW}
    }
  }`,
  );

/** WGSL store(grp, p, c0, v): input position p of channels c0…c0+3 of the group (+ bias). */
const storeInputGrad = (hasBias: boolean) => `fn store(grp: u32, p: u32, c0: u32, v: vec4<f32>) {
  let HW = u.H * u.W;
  if (p >= u.N * HW) { return; }
  for (var t = 0u; t < 4u; t++) {
    let c = grp * u.Cg + c0 + t;
    if (c0 + t < u.Cg) { dx[((p / HW) * u.C + c) * HW + p % HW] = v[t]${hasBias ? ' + bias[c]' : ''}; }
  }
}`;

/** WGSL: the tile rows' padded coordinates and first dout planes, the tile columns' weight offsets. */
const TILE_ORIGINS = `  // Tile row r = input position r0 + r: its padded coordinates, its group's first dout plane.
  let HW = u.H * u.W;
  let HoWo = u.Ho * u.Wo;
  var th0: vec4<i32>; var tw0: vec4<i32>; var plane0: vec4<u32>;
  for (var r = 0u; r < 4u; r++) {
    let p = min(r0 + r, u.N * HW - 1u);
    th0[r] = i32((p % HW) / u.W + u.pad);
    tw0[r] = i32(p % u.W + u.pad);
    plane0[r] = ((p / HW) * u.F + grp * u.Fg) * HoWo;
  }
  // Tile column t = input channel c0 + t of the group: its offset within a filter's weights.
  let KK = u.HH * u.WW;
  var wcol: vec4<u32>;
  for (var t = 0u; t < 4u; t++) { wcol[t] = min(c0 + t, u.Cg - 1u) * KK; }`;

/** WGSL: the taps of kernel row kh of filter f, each gathering the dout values it reaches (0 in stride gaps). */
const KERNEL_ROW = `      let th = th0 - vec4<i32>(i32(kh * u.dilation));
      let oh = th / s;
      let rowOk = (th % s == vec4<i32>()) & inside(oh, u.Ho);
      let rowBase = plane + vec4<u32>(select(vec4<i32>(), oh, rowOk)) * u.Wo;
      for (var kw = 0u; kw < u.WW; kw++) {
        let tw = tw0 - vec4<i32>(i32(kw * u.dilation));
        let ow = tw / s;
        let k = wf + kh * u.WW + kw;
        let a = dout4(rowBase, ow, rowOk & (tw % s == vec4<i32>()) & inside(ow, u.Wo));
        let b = vec4<f32>(${ROWS.map((v) => `w[wcol.${v} + k]`).join(', ')});
        ${ACCUMULATE}
      }`;
