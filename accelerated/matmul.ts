import { empty, type GpuTensor } from './buffers';
import { launch } from './launch';

/**
 * C (M, N) = op(A)·op(B) (+ bias broadcast over rows), op = identity or transpose.
 *
 * Two variants, because the hardware differs:
 * - 'registers' (CPU Vulkan drivers): each invocation accumulates a 4×4 block of C in registers
 *   (four vec4 accumulators), reading 4 values of A and 4 of B per step of k: 16 FMAs per 8 loads.
 *   A workgroup of 8×8 invocations covers a 32×32 tile. No workgroup memory and no barriers, because
 *   SwiftShader runs barriers very slowly; neighbouring invocations' loads of the same rows hit the
 *   CPU cache. Out-of-range rows and columns read as 0 and are not written.
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
  const out = empty(a.gpu, [M, N]);
  if ((variant ?? (a.gpu.isCpu ? 'registers' : 'shared')) === 'shared') {
    sharedMatmul(a, b, bias, out, transA, transB, M, N, K);
    return out;
  }
  const hasBias = !!bias;
  const vec4 = K % 4 === 0 && N % 4 === 0 && (!transA || M % 4 === 0);
  const kernel = vec4
    ? { key: `matmul:vec4:${transA}:${transB}:${hasBias}`, source: () => matmulVec4Source(transA, transB, hasBias) }
    : { key: `matmul:${transA}:${transB}:${hasBias}`, source: () => matmulSource(transA, transB, hasBias) };
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
 * 'registers' variant, fast path when K and N are multiples of 4 (and M too when A is transposed):
 * the 4×4 register tile, but every load is a vec4 and the k loop, stepping 4 at a time, has no bounds
 * checks. Per step the kernel holds a_r = A[i+r, k..k+3] and b_q = B[k+q, j..j+3] and does 64 FMAs
 * for 8 vec4 loads. A transposed operand is read as 4 contiguous vec4s and turned with one 4×4
 * `transpose`. Rows past M (only possible when A is not transposed) are clamped on load and skipped
 * on store.
 */
function matmulVec4Source(transA: boolean, transB: boolean, hasBias: boolean): string {
  const out = hasBias ? 3 : 2;
  const loadA = transA
    ? `let at = transpose(mat4x4<f32>(A[(4u * k) * M4 + i4], A[(4u * k + 1u) * M4 + i4], A[(4u * k + 2u) * M4 + i4], A[(4u * k + 3u) * M4 + i4]));
    let a0 = at[0]; let a1 = at[1]; let a2 = at[2]; let a3 = at[3];`
    : `let a0 = A[r0 + k]; let a1 = A[r1 + k]; let a2 = A[r2 + k]; let a3 = A[r3 + k];`;
  const loadB = transB
    ? `let bt = transpose(mat4x4<f32>(B[(4u * j) * K4 + k], B[(4u * j + 1u) * K4 + k], B[(4u * j + 2u) * K4 + k], B[(4u * j + 3u) * K4 + k]));
    let b0 = bt[0]; let b1 = bt[1]; let b2 = bt[2]; let b3 = bt[3];`
    : `let b0 = B[(4u * k) * N4 + j]; let b1 = B[(4u * k + 1u) * N4 + j]; let b2 = B[(4u * k + 2u) * N4 + j]; let b3 = B[(4u * k + 3u) * N4 + j];`;
  return `
struct Dims { M: u32, N: u32, K: u32 }
@group(0) @binding(0) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> B: array<vec4<f32>>;
${hasBias ? '@group(0) @binding(2) var<storage, read> bias: array<vec4<f32>>;' : ''}
@group(0) @binding(${out}) var<storage, read_write> C: array<vec4<f32>>;
@group(0) @binding(${out + 1}) var<uniform> dims: Dims;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let M4 = dims.M / 4u;
  let N4 = dims.N / 4u;
  let K4 = dims.K / 4u;
  let j = gid.x;
  let i = gid.y * 4u;
  let i4 = gid.y;
  if (j >= N4 || i >= dims.M) { return; }
  let last = dims.M - 1u;
  let r0 = min(i, last) * K4;
  let r1 = min(i + 1u, last) * K4;
  let r2 = min(i + 2u, last) * K4;
  let r3 = min(i + 3u, last) * K4;
  var c0 = vec4<f32>(); var c1 = vec4<f32>(); var c2 = vec4<f32>(); var c3 = vec4<f32>();
  for (var k = 0u; k < K4; k++) {
    ${loadA}
    ${loadB}
    c0 += a0.x * b0 + a0.y * b1 + a0.z * b2 + a0.w * b3;
    c1 += a1.x * b0 + a1.y * b1 + a1.z * b2 + a1.w * b3;
    c2 += a2.x * b0 + a2.y * b1 + a2.z * b2 + a2.w * b3;
    c3 += a3.x * b0 + a3.y * b1 + a3.z * b2 + a3.w * b3;
  }
  let bv = ${hasBias ? 'bias[j]' : 'vec4<f32>()'};
  C[i * N4 + j] = c0 + bv;
  if (i + 1u < dims.M) { C[(i + 1u) * N4 + j] = c1 + bv; }
  if (i + 2u < dims.M) { C[(i + 2u) * N4 + j] = c2 + bv; }
  if (i + 3u < dims.M) { C[(i + 3u) * N4 + j] = c3 + bv; }
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
