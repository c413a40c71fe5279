import { alloc, type GpuTensor } from './buffers';
import { launch } from './launch';

/**
 * C (M, N) = op(A)·op(B) (+ bias broadcast over rows), op = identity or transpose.
 *
 * Two variants, because the hardware differs:
 * - 'registers' (CPU Vulkan drivers): each invocation accumulates a block of C in vec4 registers:
 *   8×8 when the shapes allow vec4 loads (matmulVec4Source: 16 FMAs per vec4 load), else 4×4 with
 *   bounds-checked scalar loads (matmulSource: 16 FMAs per 8 loads). No workgroup memory and no
 *   barriers, because SwiftShader runs barriers very slowly; neighbouring invocations' loads of the
 *   same rows hit the CPU cache. Out-of-range rows and columns read as 0 and are not written.
 * - 'shared' (real GPUs): a workgroup stages K-slices of its A and B tiles in workgroup memory, so
 *   each global value is loaded once per workgroup instead of once per invocation (see sharedSource).
 * The default is chosen from the adapter: 'registers' where `gpu.isCpu`, 'shared' elsewhere.
 */
export type MatmulVariant = 'registers' | 'shared';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
  bias?: GpuTensor;
  /** Forces a kernel variant (tests run both on any adapter); by default chosen from the adapter. */
  variant?: MatmulVariant;
}

export function matmul(a: GpuTensor, b: GpuTensor, { transA = false, transB = false, bias, variant }: MatmulOptions = {}): GpuTensor {
  const [M, K] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [Kb, N] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (a.shape.length !== 2 || b.shape.length !== 2 || K !== Kb) {
    throw new Error(
      `matmul: inner dimensions differ: A${transA ? 'ᵀ' : ''} is [${M}, ${K}], B${transB ? 'ᵀ' : ''} is [${Kb}, ${N}]`,
    );
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== N)) {
    throw new Error(`matmul: bias: expected shape [${N}], got [${bias.shape.join(', ')}]`);
  }
  const out = alloc(a.gpu, [M, N]);
  if ((variant ?? (a.gpu.isCpu ? 'registers' : 'shared')) === 'shared') {
    sharedMatmul(a, b, bias, out, transA, transB, M, N, K);
    return out;
  }
  if (vec4Shapes(M, N, K, transA, transB)) {
    launchVec4(a, b, bias, out, { transA, transB, M, N, K, batch: 1 });
    return out;
  }
  const hasBias = !!bias;
  const kernel = { key: `matmul:${transA}:${transB}:${hasBias}`, source: () => matmulSource(transA, transB, hasBias) };
  const buffers = bias ? [a.buffer, b.buffer, bias.buffer, out.buffer] : [a.buffer, b.buffer, out.buffer];
  launch(a.gpu, kernel, buffers, [['u32', M], ['u32', N], ['u32', K]], [Math.ceil(N / 32), Math.ceil(M / 32)]);
  return out;
}

/** Output tile of a workgroup of the 'shared' variant (TILE × TILE), and the depth of its K-slices. */
const TILE = 64;
const DEPTH = 16;
const T4 = TILE / 4;

/**
 * The 'shared' variant's launch. Only whether each operand is loaded as vec4s (its stored rows are a
 * multiple of 4 long) is baked into the kernel; transposition and bias are uniforms, so that few
 * pipelines are compiled (each costs SwiftShader over half a second). Without bias, B is bound in
 * the bias slot and never read.
 */
function sharedMatmul(a: GpuTensor, b: GpuTensor, bias: GpuTensor | undefined, out: GpuTensor, transA: boolean, transB: boolean, M: number, N: number, K: number): void {
  const vecA = (transA ? M : K) % 4 === 0;
  const vecB = (transB ? K : N) % 4 === 0;
  const kernel = { key: `matmul:shared:${vecA}:${vecB}`, source: () => sharedSource(vecA, vecB) };
  // Strides in storage of op(A) along i and k, and of op(B) along k and j, in elements.
  const [aI, aK] = transA ? [1, M] : [K, 1];
  const [bK, bJ] = transB ? [1, K] : [N, 1];
  const fields = [M, N, K, bias ? 1 : 0, aI, aK, bK, bJ].map((v) => ['u32', v] as const);
  launch(a.gpu, kernel, [a.buffer, b.buffer, (bias ?? b).buffer, out.buffer], fields, [Math.ceil(N / TILE), Math.ceil(M / TILE)]);
}

/**
 * WGSL filling slice[k·16 + q][e] of one operand with op(X)[tile row / column 4q + e, k0 + k]
 * (0 outside the matrix), where op(X)[t, k] = X[t·tStride + k·kStride]. 1024 values per slice =
 * 256 invocations × 4, consecutive invocations reading consecutive addresses. As vec4s (`vec`):
 * along k when k is the contiguous axis (a tile row is 4 vec4s, scattered over 4 slice rows), else
 * along the tile axis (a slice row is 16 vec4s, copied whole). `t0`: the tile's first row (A) or
 * column (B); `T`: M or N.
 */
function stageSource(x: string, slice: string, vec: boolean, t0: string, T: string, tStride: string, kStride: string): string {
  const at = (t: string, k: string) => `(${t}) * ${tStride} + (${k}) * ${kStride}`;
  if (vec) {
    return `if (${kStride} == 1u) {
    let t = l / 4u; let kq = l % 4u; let kk = k0 + 4u * kq;
    let v = select(vec4<f32>(), ${x}[(${at(`${t0} + t`, 'kk')}) / 4u], ${t0} + t < ${T} && kk < dims.K);
    for (var e = 0u; e < 4u; e++) { ${slice}[(4u * kq + e) * ${T4}u + t / 4u][t % 4u] = v[e]; }
  } else {
    let k = l / ${T4}u; let q = l % ${T4}u; let kk = k0 + k;
    ${slice}[k * ${T4}u + q] = select(vec4<f32>(), ${x}[(${at(`${t0} + 4u * q`, 'kk')}) / 4u], kk < dims.K && ${t0} + 4u * q < ${T});
  }`;
  }
  return `let kFast = ${kStride} == 1u;
  for (var e = 0u; e < 4u; e++) {
    let idx = l + e * 256u;
    let t = select(idx % ${TILE}u, idx / ${DEPTH}u, kFast);
    let k = select(idx / ${TILE}u, idx % ${DEPTH}u, kFast);
    let tt = ${t0} + t; let kk = k0 + k;
    ${slice}[k * ${T4}u + t / 4u][t % 4u] = select(0.0, ${x}[${at('tt', 'kk')}], tt < ${T} && kk < dims.K);
  }`;
}

/**
 * Workgroup-shared-memory tiling, for real GPUs. A workgroup of 16×16 invocations owns a 64×64 tile
 * of C; invocation (tx, ty) accumulates the 4×4 block at rows 4·ty…, columns 4·tx… in four vec4
 * registers. K is walked in slices of 16: the 256 invocations together copy the 64×16 slice of A
 * and the 16×64 slice of B into var<workgroup> arrays (4 values each, one vec4 load where aligned),
 * barrier, then each invocation runs 16 rank-1 updates out of workgroup memory (2 vec4 reads,
 * 16 FMAs each), and a second barrier guards the slice before it is overwritten. Each value of A
 * and B is fetched from global memory once per workgroup instead of once per invocation that
 * uses it. The slices are stored k-major as vec4s of 4 consecutive rows (A) or columns (B): exactly
 * what a rank-1 update reads. Loads past M, N or K give 0 (ragged edges), stores past M or N are
 * skipped. The barriers sit in uniform control flow: no invocation returns early.
 */
function sharedSource(vecA: boolean, vecB: boolean): string {
  const vecType = (vec: boolean) => (vec ? 'vec4<f32>' : 'f32');
  return `
struct Dims { M: u32, N: u32, K: u32, hasBias: u32, aI: u32, aK: u32, bK: u32, bJ: u32 }
@group(0) @binding(0) var<storage, read> A: array<${vecType(vecA)}>;
@group(0) @binding(1) var<storage, read> B: array<${vecType(vecB)}>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<uniform> dims: Dims;

var<workgroup> sliceA: array<vec4<f32>, ${DEPTH * T4}>;
var<workgroup> sliceB: array<vec4<f32>, ${DEPTH * T4}>;

fn stage(l: u32, m0: u32, n0: u32, k0: u32) {
  {
  ${stageSource('A', 'sliceA', vecA, 'm0', 'dims.M', 'dims.aI', 'dims.aK')}
  }
  {
  ${stageSource('B', 'sliceB', vecB, 'n0', 'dims.N', 'dims.bJ', 'dims.bK')}
  }
}

fn store(i: u32, j0: u32, v: vec4<f32>) {
  if (i >= dims.M) { return; }
  for (var t = 0u; t < 4u; t++) {
    let j = j0 + t;
    if (j < dims.N) {
      var c = v[t];
      if (dims.hasBias != 0u) { c += bias[j]; }
      C[i * dims.N + j] = c;
    }
  }
}

@compute @workgroup_size(${T4}, ${T4})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  let m0 = wg.y * ${TILE}u;
  let n0 = wg.x * ${TILE}u;
  var c0 = vec4<f32>(); var c1 = vec4<f32>(); var c2 = vec4<f32>(); var c3 = vec4<f32>();
  for (var k0 = 0u; k0 < dims.K; k0 += ${DEPTH}u) {
    stage(l, m0, n0, k0);
    workgroupBarrier();
    for (var k = 0u; k < ${DEPTH}u; k++) {
      let a = sliceA[k * ${T4}u + lid.y];
      let b = sliceB[k * ${T4}u + lid.x];
      c0 += a.x * b; c1 += a.y * b; c2 += a.z * b; c3 += a.w * b;
    }
    workgroupBarrier();
  }
  let i = m0 + 4u * lid.y;
  let j = n0 + 4u * lid.x;
  store(i, j, c0);
  store(i + 1u, j, c1);
  store(i + 2u, j, c2);
  store(i + 3u, j, c3);
}`;
}

/**
 * Whether the 'registers' vec4 kernel applies: N a multiple of 4, and K (vec4 loads along k) or,
 * for Aᵀ·B, M (the rank-1 form of matmulVec4Source, any K) a multiple of 4; M too when A is
 * transposed.
 */
export const vec4Shapes = (M: number, N: number, K: number, transA: boolean, transB: boolean): boolean =>
  N % 4 === 0 && (transA ? M % 4 === 0 && (K % 4 === 0 || !transB) : K % 4 === 0);

/** Register tile of one invocation of the vec4 kernel: ROWS rows × 4·COLS columns of C. */
const ROWS = 8;
const COLS = 2;
/** Its workgroup: 8 × 8 invocations, a 64 × 64 tile of C. */
const WG = 8;
/** WebGPU's least per-dimension workgroup count limit. */
export const MAX_GROUPS = 65535;

export interface Vec4Problem {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  /** Independent products stored back to back in a, b and out (1 for a plain matmul). */
  batch: number;
}

/**
 * Launches the 'registers' vec4 kernel (vec4Shapes must hold): out[β] = op(a[β])·op(b[β]) (+ bias)
 * for β < batch. The batch runs along the grid's z axis (workgroups stride over batches past 65535).
 */
export function launchVec4(a: GpuTensor, b: GpuTensor, bias: GpuTensor | undefined, out: GpuTensor, p: Vec4Problem): void {
  const { transA, transB, M, N, K, batch } = p;
  const hasBias = !!bias;
  const kernel = { key: `matmul:vec4x${ROWS}x${COLS}:${transA}:${transB}:${hasBias}`, source: () => matmulVec4Source(transA, transB, hasBias) };
  const buffers = bias ? [a.buffer, b.buffer, bias.buffer, out.buffer] : [a.buffer, b.buffer, out.buffer];
  launch(a.gpu, kernel, buffers, [['u32', M], ['u32', N], ['u32', K], ['u32', batch]],
    [Math.ceil(N / (4 * COLS * WG)), Math.ceil(M / (ROWS * WG)), Math.min(batch, MAX_GROUPS)]);
}

/**
 * 'registers' variant, fast path (vec4Shapes): every load is a vec4 and the k loop has no bounds
 * checks. Each invocation accumulates an 8 × 8 block of C (rows i…i+7, vec4 columns j, j+1) in 16
 * vec4 registers, 16 FMAs per vec4 load. (SwiftShader turns every per-invocation load into a
 * gather, so loads are what to save: measured on it at 1024², this tile ran about 1.5× faster than
 * 4 × 4, and than 8 × 4, 16 × 1 or 16 × 2, which spill.) Two forms of the k loop:
 * - Aᵀ·B (A stored (K, M), B (K, N)): rank-1 updates, one k per step: a = A[k, i…i+7] (2 vec4s),
 *   b_c = B[k, 4(j+c)…] (2 vec4s), c_{r,c} += a[r]·b_c. Any K.
 * - otherwise four k per step: a_r = A[i+r, k…k+3] (8 vec4s), b_{q,c} = B[k+q, 4(j+c)…] (8 vec4s),
 *   256 FMAs. A transposed operand is read as 4 contiguous vec4s and turned with one 4 × 4
 *   `transpose` per 4 rows (A) or per vec4 column (B). Needs K a multiple of 4.
 * Rows and columns past the edge are clamped on load and skipped on store.
 */
function matmulVec4Source(transA: boolean, transB: boolean, hasBias: boolean): string {
  const out = hasBias ? 3 : 2;
  const rows = [...Array(ROWS).keys()];
  const cols = [...Array(COLS).keys()];
  const groups = [...Array(ROWS / 4).keys()];
  const quads = [0, 1, 2, 3];
  const rank1 = transA && !transB;
  const loadA = transA
    ? groups.map((g) => rank1
      ? `let at${g} = A[baseA + k * M4 + i4_${g}];`
      : `let at${g} = transpose(mat4x4<f32>(${quads.map((q) => `A[baseA + (4u * k + ${q}u) * M4 + i4_${g}]`).join(', ')}));
      ${quads.map((e) => `let a${4 * g + e} = at${g}[${e}];`).join(' ')}`).join('\n      ')
    : rows.map((r) => `let a${r} = A[baseA + r${r} + k];`).join(' ');
  const loadB = rank1
    ? cols.map((c) => `let b${c} = B[baseB + k * N4 + j${c}];`).join(' ')
    : transB
      ? cols.map((c) =>
        `let bt${c} = transpose(mat4x4<f32>(${quads.map((e) => `B[baseB + (4u * j${c} + ${e}u) * K4 + k]`).join(', ')}));
      ${quads.map((q) => `let b${q}_${c} = bt${c}[${q}];`).join(' ')}`).join('\n      ')
      : cols.map((c) => quads.map((q) => `let b${q}_${c} = B[baseB + (4u * k + ${q}u) * N4 + j${c}];`).join(' ')).join('\n      ');
  const update = (r: number, c: number) => rank1
    ? `c${r}_${c} += at${r >> 2}[${r & 3}] * b${c};`
    : `c${r}_${c} += a${r}.x * b0_${c} + a${r}.y * b1_${c} + a${r}.z * b2_${c} + a${r}.w * b3_${c};`;
  const rowOffsets = transA
    ? groups.map((g) => `let i4_${g} = min(i / 4u + ${g}u, M4 - 1u);`).join(' ')
    : rows.map((r) => `let r${r} = min(i + ${r}u, dims.M - 1u) * K4;`).join(' ');
  return `
struct Dims { M: u32, N: u32, K: u32, batch: u32 }
@group(0) @binding(0) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> B: array<vec4<f32>>;
${hasBias ? '@group(0) @binding(2) var<storage, read> bias: array<vec4<f32>>;' : ''}
@group(0) @binding(${out}) var<storage, read_write> C: array<vec4<f32>>;
@group(0) @binding(${out + 1}) var<uniform> dims: Dims;

@compute @workgroup_size(${WG}, ${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let M4 = dims.M / 4u;
  let N4 = dims.N / 4u;
  let K4 = dims.K / 4u;
  let j = gid.x * ${COLS}u;
  let i = gid.y * ${ROWS}u;
  if (j >= N4 || i >= dims.M) { return; }
  ${rowOffsets}
  ${cols.map((c) => `let j${c} = min(j + ${c}u, N4 - 1u);`).join(' ')}
  for (var batch = gid.z; batch < dims.batch; batch += groups.z) {
    let baseA = batch * (dims.M * dims.K / 4u);
    let baseB = batch * (dims.K * N4);
    ${rows.flatMap((r) => cols.map((c) => `var c${r}_${c} = vec4<f32>();`)).join(' ')}
    for (var k = 0u; k < ${rank1 ? 'dims.K' : 'K4'}; k++) {
      ${loadA}
      ${loadB}
      ${rows.flatMap((r) => cols.map((c) => update(r, c))).join('\n      ')}
    }
    let baseC = batch * dims.M * N4;
    ${rows.flatMap((r) => cols.map((c) => `if (i + ${r}u < dims.M && j + ${c}u < N4) { C[baseC + (i + ${r}u) * N4 + j + ${c}u] = c${r}_${c}${hasBias ? ` + bias[j${c}]` : ''}; }`)).join('\n    ')}
  }
}`;
}

/** 'registers' variant, general path: the 4×4 register tile with bounds-checked scalar loads. */
function matmulSource(transA: boolean, transB: boolean, hasBias: boolean): string {
  const out = hasBias ? 3 : 2;
  return `
struct Dims { M: u32, N: u32, K: u32 }
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
${hasBias ? '@group(0) @binding(2) var<storage, read> bias: array<f32>;' : ''}
@group(0) @binding(${out}) var<storage, read_write> C: array<f32>;
@group(0) @binding(${out + 1}) var<uniform> dims: Dims;

fn a_at(i: u32, k: u32) -> f32 {
  if (i >= dims.M) { return 0.0; }
  return A[${transA ? 'k * dims.M + i' : 'i * dims.K + k'}];
}

fn b_at(k: u32, j: u32) -> f32 {
  if (j >= dims.N) { return 0.0; }
  return B[${transB ? 'j * dims.K + k' : 'k * dims.N + j'}];
}

fn store(i: u32, j0: u32, v: vec4<f32>) {
  if (i >= dims.M) { return; }
  for (var t = 0u; t < 4u; t++) {
    let j = j0 + t;
    if (j < dims.N) { C[i * dims.N + j] = v[t]${hasBias ? ' + bias[j]' : ''}; }
  }
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * 4u;
  let j = gid.x * 4u;
  var c0 = vec4<f32>(); var c1 = vec4<f32>(); var c2 = vec4<f32>(); var c3 = vec4<f32>();
  for (var k = 0u; k < dims.K; k++) {
    let b = vec4<f32>(b_at(k, j), b_at(k, j + 1u), b_at(k, j + 2u), b_at(k, j + 3u));
    c0 += a_at(i, k) * b;
    c1 += a_at(i + 1u, k) * b;
    c2 += a_at(i + 2u, k) * b;
    c3 += a_at(i + 3u, k) * b;
  }
  store(i, j, c0);
  store(i + 1u, j, c1);
  store(i + 2u, j, c2);
  store(i + 3u, j, c3);
}`;
}
