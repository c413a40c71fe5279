import type { ConvGeometry } from '../reference/conv2d';
import type { GpuTensor } from './runtime/buffers';
import { f32Arrays, kernel, launch, type Kernel } from './runtime/kernel';

/**
 * The register tiling shared by conv2d's three GEMM kernels (conv2d_forward.ts,
 * conv2d_input_grad.ts, conv2d_weight_grad.ts), the idea of accelerated/runtime/matmul.ts: each invocation
 * accumulates a tile of its GEMM's output in registers (vec4 accumulators, one per tile row, a
 * component per tile column), loading 4 row values and 4 column values per reduction step: 16 FMAs
 * per 8 loads. No workgroup memory and no barriers, because SwiftShader runs barriers very slowly.
 * The tiles are numbered (part, group, row tile, column tile), column tile fastest, on one flat grid
 * (grid1d) so that no dimension exceeds 65535 workgroups. Reads in the padding or in stride gaps
 * give 0; tile rows and columns overhanging the edges are computed but not written.
 */
export const ROWS = ['x', 'y', 'z', 'w'];

/**
 * The rank-1 update of a step: tile row r accumulates a[r]·b, where the kernel body has set `a` to
 * its 4 row values and `b` to its 4 column values.
 */
export const ACCUMULATE = ROWS.map((v, r) => `acc${r} += a.${v} * b;`).join(' ');

/** The geometry uniforms, in conv2d terms; then the group sizes and the launch's tiling (its tile count is the flat grid's `count`). */
const GEOMETRY = ['N', 'C', 'H', 'W', 'F', 'HH', 'WW', 'Ho', 'Wo', 'stride', 'pad', 'dilation'] as const;
const TILING = ['Cg', 'Fg', 'rowTiles', 'colTiles', 'chunk'];
const UNIFORMS = Object.fromEntries([...GEOMETRY, ...TILING].map((name) => [name, 'u32' as const]));

/** WGSL: which lanes of v lie in [0, size). */
const INSIDE = `fn inside(v: vec4<i32>, size: u32) -> vec4<bool> {
  return (v >= vec4<i32>()) & (v < vec4<i32>(i32(size)));
}`;

/**
 * WGSL `<src>4(rowBase, col, ok)`: src at the 4 addresses rowBase + col, 0 where !ok (padding,
 * stride gaps). Masked lanes read element 0, so no read leaves the buffer.
 */
export const gather4 = (src: string) => `fn ${src}4(rowBase: vec4<u32>, col: vec4<i32>, ok: vec4<bool>) -> vec4<f32> {
  let at = select(vec4<u32>(), rowBase + vec4<u32>(col), ok);
  return select(vec4<f32>(), vec4<f32>(${ROWS.map((v) => `${src}[at.${v}]`).join(', ')}), ok);
}`;

/**
 * A tile kernel over f32 `inputs` and the written `output`, with the geometry uniforms.
 * `helpers` are WGSL functions, among them store(grp, row, c0, acc) which writes one tile row and
 * skips what overhangs; `body` runs with grp (channel group), r0 / c0 (first row / column of the
 * tile) and the accumulators acc0, acc1, … of its `tileRows` rows (4 unless the kernel says
 * otherwise). Overhanging tile rows and columns load the last valid row or column (clamped), so
 * loads need no bounds checks beyond the padding's.
 */
export function tileKernel(name: string, inputs: readonly string[], output: string, helpers: string, body: string, tileRows = 4): Kernel {
  const rows = Array.from({ length: tileRows }, (_, r) => r);
  return kernel({
    name: `conv2d:${name}`,
    inputs: f32Arrays(...inputs),
    outputs: f32Arrays(output),
    uniforms: UNIFORMS,
    helpers: `${INSIDE}\n${helpers}`,
    body: `let grp = i / (u.colTiles * u.rowTiles);
  let r0 = ((i / u.colTiles) % u.rowTiles) * ${tileRows}u;
  let c0 = (i % u.colTiles) * 4u;
  ${rows.map((r) => `var acc${r} = vec4<f32>();`).join(' ')}
${body}
${rows.map((r) => `  store(grp, r0 + ${r}u, c0, acc${r});`).join('\n')}`,
  });
}

/**
 * Runs a tile kernel of `tileRows` × 4 tiles over a `rows` × `cols` GEMM per channel group; with
 * split-K, `parts` copies of that grid (the kernel's `grp` is then part · groups + group), each
 * summing `chunk` reduction rows (the uniform u.chunk).
 */
export function launchTiles(
  k: Kernel,
  tensors: Readonly<Record<string, GpuTensor>>,
  g: ConvGeometry,
  rows: number,
  cols: number,
  tileRows = 4,
  parts = 1,
  chunk = 0,
): void {
  const rowTiles = Math.ceil(rows / tileRows);
  const colTiles = Math.ceil(cols / 4);
  const geometry = Object.fromEntries(GEOMETRY.map((name) => [name, g[name]]));
  const tiling = { Cg: g.C / g.groups, Fg: g.F / g.groups, rowTiles, colTiles, chunk };
  launch(Object.values(tensors)[0].gpu, k, tensors, { count: rowTiles * colTiles * g.groups * parts, ...geometry, ...tiling });
}
