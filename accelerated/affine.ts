import { validateAffine } from '../reference/affine';
import { requireShape } from '../reference/validate';
import { view, type GpuTensor } from './runtime/buffers';
import { matmul } from './runtime/matmul';
import { columnSums } from './runtime/reduce';

/** Twin of reference/affine: three calls of the shared register-tiled matmul plus a column sum. */
export interface AffineCache {
  x2d: GpuTensor;
  xShape: readonly number[];
  w: GpuTensor;
}

export function affineForward(x: GpuTensor, w: GpuTensor, b: GpuTensor): { out: GpuTensor; cache: AffineCache } {
  const { N, D } = validateAffine(x, w, b);
  const x2d = view(x, [N, D]);
  return { out: matmul(x2d, w, { bias: b }), cache: { x2d, xShape: x.shape, w } };
}

export function affineBackward(dout: GpuTensor, cache: AffineCache): { dx: GpuTensor; dw: GpuTensor; db: GpuTensor } {
  const { x2d, xShape, w } = cache;
  requireShape('affine_backward', 'dout', dout, [x2d.shape[0], w.shape[1]], 'N and M from the forward pass');
  return {
    dx: view(matmul(dout, w, { transB: true }), xShape), // dout·wᵀ
    dw: matmul(x2d, dout, { transA: true }), // xᵀ·dout
    db: columnSums(dout),
  };
}
