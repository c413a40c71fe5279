import { zeros, type DType, type GpuTensor } from './buffers';
import { kernel, launch, type Field } from './kernel';

/**
 * "One invocation per element" over kernel.ts: a flat kernel whose inputs are tensors and whose
 * outputs are allocated here, written as a WGSL body that sees every input and output array and
 * every uniform by its bare name (e.g. `lr`, `next_w[i] = w[i] - lr * dw[i];`). Tiling: one
 * invocation per element, no shared memory — these kernels (optimizer updates, schedules,
 * initializers, elementwise maps) are memory-bound with nothing to reuse.
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
  const outputs = Object.fromEntries(Object.entries(spec.outputs).map(([k, o]) => [k, zeros(gpu, o.shape, o.dtype ?? 'f32')]));
  const uniforms = Object.entries(spec.uniforms ?? {});
  const k = kernel({
    name: `pointwise:${spec.name}`,
    inputs: Object.fromEntries(Object.entries(spec.inputs).map(([name, t]) => [name, t.dtype])),
    outputs: Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, t.dtype])),
    uniforms: Object.fromEntries(uniforms.map(([name, [type]]) => [name, type])),
    helpers: spec.functions,
    body: `${uniforms.map(([name]) => `let ${name} = u.${name};`).join(' ')}
  ${spec.body}`,
  });
  launch(gpu, k, { ...spec.inputs, ...outputs }, { count: spec.count, ...Object.fromEntries(uniforms.map(([name, [, value]]) => [name, value])) });
  return outputs;
}
