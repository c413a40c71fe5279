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
  const kernel = {
    key: `matmul:${transA}:${transB}:${!!bias}`,
    source: () => matmulSource(transA, transB, !!bias),
  };
  const buffers = bias ? [a.buffer, b.buffer, bias.buffer, out.buffer] : [a.buffer, b.buffer, out.buffer];
  launch(a.gpu, kernel, buffers, [['u32', M], ['u32', N], ['u32', K]], [Math.ceil(N / 32), Math.ceil(M / 32)]);
  return out;
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
