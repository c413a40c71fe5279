import { numel } from '../../reference/tensor';
import type { GpuTensor } from './buffers';
import { pointwise } from './pointwise';

/**
 * Elementwise kernels from a WGSL expression over same-shaped inputs named a, b, c, …
 * Tiling: one invocation per element, no shared memory (memory-bound; nothing to reuse).
 */
const NAMES = ['a', 'b', 'c', 'd'];

export function map(name: string, expr: string, ...inputs: GpuTensor[]): GpuTensor {
  const [first] = inputs;
  const n = numel(first.shape);
  inputs.forEach((t, k) => {
    if (numel(t.shape) !== n) throw new Error(`${name}: input ${NAMES[k]} has ${numel(t.shape)} elements, expected ${n}`);
  });
  const { out } = pointwise(first.gpu, {
    name: `map:${name}`,
    inputs: Object.fromEntries(inputs.map((t, k) => [`in_${NAMES[k]}`, t])),
    outputs: { out: { shape: first.shape } },
    count: n,
    body: `${inputs.map((_, k) => `let ${NAMES[k]} = in_${NAMES[k]}[i];`).join(' ')}
  out[i] = ${expr};`,
  });
  return out;
}
