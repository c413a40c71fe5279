import { type GramMatrixParams, validateGramMatrix } from '../reference/gram_matrix';
import { requireShape } from '../reference/validate';
import type { GpuTensor } from './runtime/buffers';
import { gramMatrices, gramMatricesBackward } from './style';

/** Twin of reference/gram_matrix through the stacked-matmul Gram kernels of accelerated/style.ts. */
export interface GramMatrixCache {
  features: GpuTensor;
  scale: number;
}

export function gramMatrixForward(features: GpuTensor, params: GramMatrixParams = {}): { out: GpuTensor; cache: GramMatrixCache } {
  const { scale } = validateGramMatrix(features, params);
  return { out: gramMatrices(features, scale), cache: { features, scale } };
}

export function gramMatrixBackward(dout: GpuTensor, cache: GramMatrixCache): { dfeatures: GpuTensor } {
  const [N, C] = cache.features.shape;
  requireShape('gram_matrix_backward', 'dout', dout, [N, C, C], 'the shape of out');
  return { dfeatures: gramMatricesBackward(dout, cache.features, cache.scale) };
}
