import { requireLossGradient } from '../reference/classification';
import { validateL2Regularization, type L2RegularizationParams } from '../reference/l2_regularization';
import { numel } from '../reference/tensor';
import type { GpuTensor } from './runtime/buffers';
import { map } from './runtime/elementwise';
import { pointwise } from './runtime/pointwise';
import { sumAll } from './runtime/reduce';
import { scope } from './runtime/scope';

/**
 * Twin of reference/l2_regularization. Forward: an elementwise square (one invocation per element),
 * then the shared barrier-free tree reduction, which applies the factor reg in its last pass.
 * Backward: one invocation per element, dw[i] = 2·reg·dloss·w[i].
 */
export interface L2RegularizationCache {
  w: GpuTensor;
  reg: number;
}

export function l2RegularizationForward(w: GpuTensor, params: L2RegularizationParams = {}): { loss: GpuTensor; cache: L2RegularizationCache } {
  const { reg } = validateL2Regularization(w, params);
  return scope(() => {
    const squares = map('l2_square', 'a * a', w);
    const loss = sumAll(squares, reg);
    return { loss, cache: { w, reg } };
  });
}

export function l2RegularizationBackward(dloss: GpuTensor, cache: L2RegularizationCache): { dw: GpuTensor } {
  requireLossGradient('l2_regularization', dloss);
  const { w, reg } = cache;
  const { dw } = pointwise(w.gpu, {
    name: 'l2_regularization:backward',
    inputs: { w, dloss },
    outputs: { dw: { shape: w.shape } },
    uniforms: { reg: ['f32', reg] },
    count: numel(w.shape),
    body: 'dw[i] = 2.0 * reg * dloss[0] * w[i];',
  });
  return { dw };
}
