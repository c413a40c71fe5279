import { empty, type DType, type GpuTensor } from './buffers';
import { grid1d, launch, MAIN_1D, type Field } from './launch';

/**
 * A kernel with several named inputs and outputs, one invocation per index i < count, written as a
 * WGSL body that sees every input and output array and every uniform by its name (e.g. `lr`,
 * `next_w[i] = w[i] - lr * dw[i];`). Tiling: one invocation per element, no shared memory — these
 * kernels (optimizer updates, schedules, initializers) are memory-bound with nothing to reuse.
 * Used by the optimizer, schedule and initialization families.
 */
export interface PointwiseKernel {
  /** Pipeline-cache name; the key also covers the generated source. */
  name: string;
  inputs: Record<string, GpuTensor>;
  outputs: Record<string, { shape: readonly number[]; dtype?: DType }>;
  uniforms?: Record<string, Field>;
  /** Invocations: indices 0 … count − 1. */
  count: number;
  body: string;
  /** WGSL functions the body calls, placed before the entry point. */
  functions?: string;
}

export function pointwise(gpu: GpuTensor['gpu'], spec: PointwiseKernel): Record<string, GpuTensor> {
  const outputs = Object.fromEntries(Object.entries(spec.outputs).map(([k, o]) => [k, empty(gpu, o.shape, o.dtype ?? 'f32')]));
  const arrays = [
    ...Object.entries(spec.inputs).map(([k, t]) => ({ name: k, tensor: t, access: 'read' })),
    ...Object.entries(outputs).map(([k, t]) => ({ name: k, tensor: t, access: 'read_write' })),
  ];
  const uniforms: Array<[string, Field]> = [['count', ['u32', spec.count]], ...Object.entries(spec.uniforms ?? {})];
  const source = `
${arrays.map((a, k) => `@group(0) @binding(${k}) var<storage, ${a.access}> ${a.name}: array<${a.tensor.dtype}>;`).join('\n')}
struct Uniforms { ${uniforms.map(([k, [type]]) => `${k}: ${type}`).join(', ')} }
@group(0) @binding(${arrays.length}) var<uniform> uniforms: Uniforms;
${spec.functions ?? ''}
${MAIN_1D}
  if (i >= uniforms.count) { return; }
  ${uniforms.slice(1).map(([k]) => `let ${k} = uniforms.${k};`).join(' ')}
  ${spec.body}
}`;
  launch(gpu, { key: `pointwise:${spec.name}:${source}`, source: () => source }, arrays.map((a) => a.tensor.buffer),
    uniforms.map(([, f]) => f), grid1d(spec.count));
  return outputs;
}
