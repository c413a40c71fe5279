import type { Gpu } from './device';
import { grid1d, launch, MAIN_1D, type Field, type Kernel } from './launch';

/**
 * Kernels of one invocation per element of a flat range [0, total): the gathers and scatters of
 * pooling, unpooling and resampling. No workgroup memory, no barriers; launched with grid1d.
 */
export interface Binding {
  readonly name: string;
  readonly type?: 'f32' | 'i32';
  /** Written by the kernel (read_write); the others are read-only. */
  readonly write?: boolean;
}

export interface GridKernel extends Kernel {
  readonly uniforms: readonly string[];
}

/**
 * A kernel with storage bindings @binding(0…k−1) in order and the uniform `u` at @binding(k): the
 * element count `total`, then `uniforms` ('name: u32' or 'name: f32', in the order of launchGrid's
 * fields). `body` runs for each i < u.total; `helpers` are WGSL functions it may call.
 */
export function gridKernel(key: string, bindings: readonly Binding[], uniforms: readonly string[], helpers: string, body: string): GridKernel {
  const declarations = bindings.map(
    ({ name, type = 'f32', write = false }, k) => `@group(0) @binding(${k}) var<storage, ${write ? 'read_write' : 'read'}> ${name}: array<${type}>;`,
  );
  return {
    key,
    uniforms,
    source: () => `
${declarations.join('\n')}
struct Uniforms { total: u32, ${uniforms.join(', ')} }
@group(0) @binding(${bindings.length}) var<uniform> u: Uniforms;
${helpers}
${MAIN_1D}
  if (i >= u.total) { return; }
  ${body}
}`,
  };
}

/** Runs `kernel` over `total` elements; `fields` are the values of its uniforms, in order. */
export function launchGrid(gpu: Gpu, kernel: GridKernel, buffers: readonly GPUBuffer[], fields: readonly Field[], total: number): void {
  if (fields.length !== kernel.uniforms.length) throw new Error(`${kernel.key}: ${fields.length} uniform values for ${kernel.uniforms.length} fields`);
  launch(gpu, kernel, buffers, [['u32', total], ...fields], grid1d(total));
}
