import { requireGradShape } from '../reference/recurrent';
import { validateTemporalAffine } from '../reference/temporal_affine';
import { affineBackward, affineForward, type AffineCache } from './affine';
import { view, type GpuTensor } from './runtime/buffers';

/** Twin of reference/temporal_affine: the affine twin (matmul with bias) on x viewed as (N·T, D). */
export interface TemporalAffineCache {
  affine: AffineCache;
  xShape: readonly number[];
}

export function temporalAffineForward(x: GpuTensor, w: GpuTensor, b: GpuTensor): { out: GpuTensor; cache: TemporalAffineCache } {
  const { N, T, D, M } = validateTemporalAffine(x, w, b);
  const { out, cache } = affineForward(view(x, [N * T, D]), w, b);
  return { out: view(out, [N, T, M]), cache: { affine: cache, xShape: x.shape } };
}

export function temporalAffineBackward(dout: GpuTensor, cache: TemporalAffineCache): { dx: GpuTensor; dw: GpuTensor; db: GpuTensor } {
  const [N, T] = cache.xShape;
  const M = cache.affine.w.shape[1];
  requireGradShape('temporal_affine', 'dout', dout, [N, T, M]);
  const { dx, dw, db } = affineBackward(view(dout, [N * T, M]), cache.affine);
  return { dx: view(dx, cache.xShape), dw, db };
}
