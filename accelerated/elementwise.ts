import { numel } from '../reference/tensor';
import { empty, type GpuTensor } from './buffers';
import { grid1d, launch, MAIN_1D } from './launch';

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
  const out = empty(first.gpu, first.shape);
  const kernel = {
    key: `map:${name}:${inputs.length}:${expr}`,
    source: () => `
${inputs.map((_, k) => `@group(0) @binding(${k}) var<storage, read> in_${NAMES[k]}: array<f32>;`).join('\n')}
@group(0) @binding(${inputs.length}) var<storage, read_write> out: array<f32>;
struct Params { n: u32 }
@group(0) @binding(${inputs.length + 1}) var<uniform> params: Params;
${MAIN_1D}
  if (i >= params.n) { return; }
  ${inputs.map((_, k) => `let ${NAMES[k]} = in_${NAMES[k]}[i];`).join(' ')}
  out[i] = ${expr};
}`,
  };
  launch(first.gpu, kernel, [...inputs.map((t) => t.buffer), out.buffer], [['u32', n]], grid1d(n));
  return out;
}
