import { empty, type GpuTensor } from './buffers';
import { launchScalar, launchVec4, vec4Shapes } from './matmul';

/**
 * C[b] (M, N) = op(A[b])·op(B[b]) for every b of a batch, op = identity or transpose; A, B and C are
 * (batch, rows, cols) buffers laid out back to back (attention's B = N·heads problems).
 *
 * Tiling: the register tiles of accelerated/runtime/matmul.ts. Where its vec4 kernel applies (vec4Shapes),
 * that kernel with the batch along the grid's z axis (8×8 block of C per invocation); otherwise its
 * scalar 4×4 kernel (launchScalar), the batch likewise along z. Workgroups stride over batches past
 * 65535. No workgroup memory, no barriers; out-of-range rows and columns read as 0 and are not
 * written.
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
  const out = empty(a.gpu, [batch, M, N]);
  if (vec4Shapes(M, N, K, transA, transB)) {
    launchVec4(a, b, undefined, out, { transA, transB, M, N, K, batch });
    return out;
  }
  launchScalar(a, b, undefined, out, { transA, transB, M, N, K, batch });
  return out;
}
