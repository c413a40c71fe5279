import { tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireShape, type Shaped } from './validate';

export interface ReluCache {
  x: Tensor;
}

export function validateRelu(x: Shaped): void {
  requirePositiveSizes('relu', 'x', x);
  requireFinite('relu', 'x', x);
}

/** out = max(0, x), elementwise */
export function reluForward(x: Tensor): { out: Tensor; cache: ReluCache } {
  validateRelu(x);
  const out = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) out.data[i] = x.data[i] > 0 ? x.data[i] : 0;
  return { out, cache: { x } };
}

/** dx = dout where x > 0, else 0 (the subgradient at 0 is taken as 0) */
export function reluBackward(dout: Tensor, cache: ReluCache): { dx: Tensor } {
  const { x } = cache;
  requireShape('relu_backward', 'dout', dout, x.shape, 'the shape of x');
  const dx = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) dx.data[i] = x.data[i] > 0 ? dout.data[i] : 0;
  return { dx };
}
