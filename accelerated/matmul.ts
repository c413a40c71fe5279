import { empty, type GpuTensor } from './buffers';
import { launch } from './launch';

/**
 * C (M, N) = op(A)·op(B) (+ bias broadcast over rows), op = identity or transpose.
 *
 * Tiling: each invocation accumulates a 4×4 block of C in registers (four vec4 accumulators),
 * reading 4 values of A and 4 of B per step of k: 16 FMAs per 8 loads. A workgroup of 8×8
 * invocations covers a 32×32 tile. No workgroup memory and no barriers, because CPU Vulkan drivers
 * (SwiftShader) run barriers very slowly; on a real GPU neighbouring invocations' loads of the same
 * rows hit the cache. Out-of-range rows and columns read as 0 and are not written.
 */
export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
  bias?: GpuTensor;
}

export function matmul(a: GpuTensor, b: GpuTensor, { transA = false, transB = false, bias }: MatmulOptions = {}): GpuTensor {
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
  const vec4 = K % 4 === 0 && N % 4 === 0 && (!transA || M % 4 === 0);
  const kernel = vec4
    ? { key: `matmul:vec4:${transA}:${transB}:${!!bias}`, source: () => matmulVec4Source(transA, transB, !!bias) }
    : { key: `matmul:${transA}:${transB}:${!!bias}`, source: () => matmulSource(transA, transB, !!bias) };
  const buffers = bias ? [a.buffer, b.buffer, bias.buffer, out.buffer] : [a.buffer, b.buffer, out.buffer];
  launch(a.gpu, kernel, buffers, [['u32', M], ['u32', N], ['u32', K]], [Math.ceil(N / 32), Math.ceil(M / 32)]);
  return out;
}

/**
 * Fast path when K and N are multiples of 4 (and M too when A is transposed): the same 4×4 register
 * tile, but every load is a vec4 and the k loop, stepping 4 at a time, has no bounds checks. Per step
 * the kernel holds a_r = A[i+r, k..k+3] and b_q = B[k+q, j..j+3] and does 64 FMAs for 8 vec4 loads.
 * A transposed operand is read as 4 contiguous vec4s and turned with one 4×4 `transpose`. Rows past
 * M (only possible when A is not transposed) are clamped on load and skipped on store.
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
