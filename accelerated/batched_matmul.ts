import { alloc, type GpuTensor } from './buffers';
import { launch } from './launch';
import { launchVec4, MAX_GROUPS, vec4Shapes } from './matmul';

/**
 * C[b] (M, N) = op(A[b])·op(B[b]) for every b of a batch, op = identity or transpose; A, B and C are
 * (batch, rows, cols) buffers laid out back to back (attention's B = N·heads problems).
 *
 * Tiling: the register tiles of accelerated/matmul.ts. Where its vec4 kernel applies (vec4Shapes),
 * that kernel with the batch along the grid's z axis (8×8 block of C per invocation); otherwise the
 * scalar 4×4 tile below — each invocation accumulates a 4×4 block of C[b] in four vec4 registers,
 * 16 FMAs per 8 loads per step of k; a workgroup of 8×8 invocations covers a 32×32 tile of one
 * matrix. Workgroups stride over batches past 65535. No workgroup memory, no barriers; out-of-range
 * rows and columns read as 0 and are not written.
 */
export interface BatchedMatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

export function batchedMatmul(a: GpuTensor, b: GpuTensor, { transA = false, transB = false }: BatchedMatmulOptions = {}): GpuTensor {
  const [batch] = a.shape;
  const [M, K] = transA ? [a.shape[2], a.shape[1]] : [a.shape[1], a.shape[2]];
  const [Kb, N] = transB ? [b.shape[2], b.shape[1]] : [b.shape[1], b.shape[2]];
  if (a.shape.length !== 3 || b.shape.length !== 3 || b.shape[0] !== batch || K !== Kb) {
    throw new Error(`batched_matmul: A is [${a.shape.join(', ')}]${transA ? 'ᵀ' : ''}, B is [${b.shape.join(', ')}]${transB ? 'ᵀ' : ''}`);
  }
  const out = alloc(a.gpu, [batch, M, N]);
  if (vec4Shapes(M, N, K, transA, transB)) {
    launchVec4(a, b, undefined, out, { transA, transB, M, N, K, batch });
    return out;
  }
  const kernel = { key: `batched_matmul:${transA}:${transB}`, source: () => batchedMatmulSource(transA, transB) };
  launch(a.gpu, kernel, [a.buffer, b.buffer, out.buffer], [['u32', batch], ['u32', M], ['u32', N], ['u32', K]],
    [Math.ceil(N / 32), Math.ceil(M / 32), Math.min(batch, MAX_GROUPS)]);
  return out;
}

function batchedMatmulSource(transA: boolean, transB: boolean): string {
  return `
struct Dims { batch: u32, M: u32, N: u32, K: u32 }
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

fn a_at(base: u32, i: u32, k: u32) -> f32 {
  if (i >= dims.M) { return 0.0; }
  return A[base + ${transA ? 'k * dims.M + i' : 'i * dims.K + k'}];
}

fn b_at(base: u32, k: u32, j: u32) -> f32 {
  if (j >= dims.N) { return 0.0; }
  return B[base + ${transB ? 'j * dims.K + k' : 'k * dims.N + j'}];
}

fn store(base: u32, i: u32, j0: u32, v: vec4<f32>) {
  if (i >= dims.M) { return; }
  for (var t = 0u; t < 4u; t++) {
    let j = j0 + t;
    if (j < dims.N) { C[base + i * dims.N + j] = v[t]; }
  }
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.y * 4u;
  let j = gid.x * 4u;
  for (var b = gid.z; b < dims.batch; b += groups.z) {
    let baseA = b * dims.M * dims.K;
    let baseB = b * dims.K * dims.N;
    var c0 = vec4<f32>(); var c1 = vec4<f32>(); var c2 = vec4<f32>(); var c3 = vec4<f32>();
    for (var k = 0u; k < dims.K; k++) {
      let bk = vec4<f32>(b_at(baseB, k, j), b_at(baseB, k, j + 1u), b_at(baseB, k, j + 2u), b_at(baseB, k, j + 3u));
      c0 += a_at(baseA, i, k) * bk;
      c1 += a_at(baseA, i + 1u, k) * bk;
      c2 += a_at(baseA, i + 2u, k) * bk;
      c3 += a_at(baseA, i + 3u, k) * bk;
    }
    let baseC = b * dims.M * dims.N;
    store(baseC, i, j, c0);
    store(baseC, i + 1u, j, c1);
    store(baseC, i + 2u, j, c2);
    store(baseC, i + 3u, j, c3);
  }
}`;
}
