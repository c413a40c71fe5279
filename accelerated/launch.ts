import { bindingSize } from './buffers';
import type { Gpu } from './device';

/** One uniform field: WGSL type and value. Fields are packed in order, 4 bytes each. */
export type Field = readonly ['u32' | 'i32' | 'f32', number];

export interface Kernel {
  /** Pipeline cache key: the kernel's name plus everything baked into its source. */
  readonly key: string;
  readonly source: () => string;
}

/**
 * Runs a compute kernel. Storage buffers bind to @binding(0…k−1) of @group(0) in order; the
 * uniform fields, if any, to @binding(k) as a struct of the same field order.
 *
 * The dispatch is recorded into the Gpu's open command batch (see Gpu in device.ts): it runs, in
 * order with every other launch, copy and clear, when the batch is submitted — at the next read,
 * `gpu.flush()`, a full batch, or any direct use of the queue.
 */
export function launch(
  gpu: Gpu,
  kernel: Kernel,
  buffers: readonly GPUBuffer[],
  uniforms: readonly Field[],
  groups: readonly [number, number?, number?],
): void {
  const pipeline = gpu.pipeline(kernel.key, kernel.source);
  const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer, size: bindingSize(buffer) } }));
  if (uniforms.length > 0) entries.push({ binding: buffers.length, resource: gpu.uniforms(packFields(uniforms)) });
  const bindGroup = gpu.device.createBindGroup({ layout: gpu.layout(pipeline), entries });
  const pass = gpu.computePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
  gpu.dispatched();
}

function packFields(fields: readonly Field[]): ArrayBuffer {
  const bytes = new ArrayBuffer(Math.ceil((fields.length * 4) / 16) * 16);
  const view = new DataView(bytes);
  fields.forEach(([type, value], i) => {
    if (type === 'f32') view.setFloat32(i * 4, value, true);
    else if (type === 'i32') view.setInt32(i * 4, value, true);
    else view.setUint32(i * 4, value, true);
  });
  return bytes;
}

/**
 * One invocation per element for `n` elements with 64-wide workgroups, split over x and y so that no
 * dimension exceeds WebGPU's 65535-workgroup limit. Kernels recover the flat index with FLAT_INDEX.
 */
export const WORKGROUP_1D = 64;

export function grid1d(n: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / WORKGROUP_1D));
  const x = Math.min(groups, 32768);
  return [x, Math.ceil(groups / x)];
}

/** WGSL: `@compute` entry header for grid1d launches, binding `i` to the flat invocation index. */
export const MAIN_1D = `@compute @workgroup_size(${WORKGROUP_1D})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WORKGROUP_1D}u;`;
