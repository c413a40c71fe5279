import { bindingSize } from './buffers';
import type { Gpu } from './device';

/**
 * The one way a WGSL compute kernel is written: storage arrays, uniforms and workgroup memory are
 * declared by name and type, and this module generates their bindings, the uniform struct and the
 * entry point around a body. Launches pass buffers and uniform values by the same names, so a
 * binding can never be matched to the wrong buffer by position.
 */

/** WGSL type of a uniform; each takes 4 bytes of the uniform struct, in declaration order. */
export type Scalar = 'u32' | 'i32' | 'f32';
/** WGSL element type of a storage array. */
export type Element = Scalar | 'vec4<f32>';
/** A uniform's type and value, for helpers that forward uniforms (pointwise). */
export type Field = readonly [Scalar, number];

/** One invocation per element of a flat range: workgroup width of grid1d launches. */
export const WORKGROUP_1D = 64;

/** `{ name: 'f32', … }` for f32 storage arrays named `names`. */
export const f32Arrays = (...names: readonly string[]): Record<string, 'f32'> => Object.fromEntries(names.map((name) => [name, 'f32']));

export interface KernelSpec {
  /** Pipeline-cache name and WebGPU label; the cache key also covers the generated source. */
  readonly name: string;
  /** Read-only storage arrays: name → element type. */
  readonly inputs?: Readonly<Record<string, Element>>;
  /** Read-write storage arrays: name → element type. */
  readonly outputs?: Readonly<Record<string, Element>>;
  /** Uniforms: name → type, read in WGSL as `u.<name>`. */
  readonly uniforms?: Readonly<Record<string, Scalar>>;
  /** Specialization: module-scope `const <name> = <WGSL expression>;`, baked into the source and so into the cache key. */
  readonly constants?: Readonly<Record<string, string>>;
  /** Workgroup memory: name → WGSL type, e.g. `array<vec4<f32>, 256>`. */
  readonly shared?: Readonly<Record<string, string>>;
  /** WGSL functions the body calls, placed before the entry point. */
  readonly helpers?: string;
  /**
   * Absent: a flat grid, one invocation per index `i` < `u.count` (the uniform `count` is added and
   * the launch dispatches grid1d(count)). Present: the workgroup shape; the body sees the builtins
   * `gid`, `lid`, `wid` (global, local and workgroup ids), `l` (local index) and `groups` (workgroup
   * counts), and the launch gives the workgroup counts.
   */
  readonly workgroup?: readonly [number, number?, number?];
  /** WGSL statements of the entry point. */
  readonly body: string;
}

export interface Kernel {
  readonly name: string;
  /** Pipeline cache key: the name and the whole source (so every baked value is in it). */
  readonly key: string;
  readonly source: string;
  /** Storage arrays, in binding order. */
  readonly arrays: readonly string[];
  /** Uniforms, in struct order (`count` first on flat grids). */
  readonly uniforms: ReadonlyArray<readonly [string, Scalar]>;
  readonly flat: boolean;
}

/** Names the generated code takes: the uniform struct and its variable, the entry point and the builtins it binds. */
const RESERVED = ['u', 'Uniforms', 'main', 'i', 'gid', 'lid', 'wid', 'l', 'groups'];

export function kernel(spec: KernelSpec): Kernel {
  const flat = !spec.workgroup;
  const names = [spec.inputs, spec.outputs, spec.constants, spec.shared].flatMap((group) => Object.keys(group ?? {}));
  if (flat && spec.uniforms && 'count' in spec.uniforms)
    throw new Error(`kernel ${spec.name}: uniform 'count' is reserved: a flat kernel's own invocation count`);
  const clash = names.find((name, k) => RESERVED.includes(name) || names.indexOf(name) !== k);
  if (clash !== undefined) {
    throw new Error(
      `kernel ${spec.name}: '${clash}' is declared twice or is reserved: arrays, constants and workgroup memory need distinct names other than ${RESERVED.join(', ')}`,
    );
  }
  const arrays = [
    ...Object.entries(spec.inputs ?? {}).map(([name, type]) => [name, 'read', type] as const),
    ...Object.entries(spec.outputs ?? {}).map(([name, type]) => [name, 'read_write', type] as const),
  ];
  const uniforms: Array<readonly [string, Scalar]> = [...(flat ? [['count', 'u32'] as const] : []), ...Object.entries(spec.uniforms ?? {})];
  const declarations = arrays.map(([name, access, type], k) => `@group(0) @binding(${k}) var<storage, ${access}> ${name}: array<${type}>;`);
  if (uniforms.length > 0) {
    declarations.push(
      `struct Uniforms { ${uniforms.map(([name, type]) => `${name}: ${type}`).join(', ')} }`,
      `@group(0) @binding(${arrays.length}) var<uniform> u: Uniforms;`,
    );
  }
  const constants = Object.entries(spec.constants ?? {}).map(([name, value]) => `const ${name} = ${value};`);
  const shared = Object.entries(spec.shared ?? {}).map(([name, type]) => `var<workgroup> ${name}: ${type};`);
  const source = [...declarations, ...constants, ...shared, spec.helpers ?? '', entryPoint(spec)].join('\n');
  return { name: spec.name, key: `${spec.name}:${source}`, source, arrays: arrays.map(([name]) => name), uniforms, flat };
}

/** What one kernel of an op's family (opKernels) declares beside what the family shares. */
export type OwnSpec = Omit<KernelSpec, 'name' | 'uniforms'>;

/**
 * The kernels of one op that share their uniforms and WGSL helpers (a forward and its backward):
 * kernel `<op>:<key>` for each key of `kernels`, with the shared uniforms and the shared helpers
 * followed by its own.
 */
export function opKernels<Key extends string>(
  op: string,
  shared: Pick<KernelSpec, 'uniforms' | 'helpers'>,
  kernels: Record<Key, OwnSpec>,
): Record<Key, Kernel> {
  const own = Object.entries<OwnSpec>(kernels);
  return Object.fromEntries(
    own.map(([key, spec]) => [
      key,
      kernel({ ...spec, name: `${op}:${key}`, uniforms: shared.uniforms, helpers: `${shared.helpers ?? ''}${spec.helpers ?? ''}` }),
    ]),
  ) as Record<Key, Kernel>;
}

function entryPoint({ workgroup, body }: KernelSpec): string {
  if (!workgroup) {
    return `@compute @workgroup_size(${WORKGROUP_1D})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WORKGROUP_1D}u;
  if (i >= u.count) { return; }
  ${body}
}`;
  }
  return `@compute @workgroup_size(${workgroup.map((n) => n ?? 1).join(', ')})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) l: u32,
        @builtin(num_workgroups) groups: vec3<u32>) {
  ${body}
}`;
}

/** Workgroup counts along x, y, z. */
export type Groups = readonly [number, number?, number?];

/**
 * Runs `k`: `arrays` gives a buffer (or tensor) for each declared storage array and `values` a number
 * for each uniform, both by name; a missing or unknown name is an error naming it. A flat kernel's
 * dispatch comes from its `count`; a shaped one's from `groups`.
 *
 * The dispatch is recorded into the Gpu's open command batch (see Gpu in device.ts): it runs, in
 * order with every other launch, copy and clear, when the batch is submitted.
 */
export function launch(
  gpu: Gpu,
  k: Kernel,
  arrays: Readonly<Record<string, GPUBuffer | { readonly buffer: GPUBuffer }>>,
  values: Readonly<Record<string, number>>,
  groups?: Groups,
): void {
  requireNames(k, 'buffer', Object.keys(arrays), k.arrays);
  requireNames(
    k,
    'uniform',
    Object.keys(values),
    k.uniforms.map(([name]) => name),
  );
  if (k.flat === (groups !== undefined)) {
    throw new Error(
      `kernel ${k.name}: groups: expected ${k.flat ? 'none (a flat kernel is dispatched by its count)' : 'workgroup counts'}, got ${groups ? `[${groups.join(', ')}]` : 'none'}`,
    );
  }
  const buffers = k.arrays.map((name) => {
    const given = arrays[name];
    return 'buffer' in given ? given.buffer : given;
  });
  const fields = k.uniforms.map(([name, type]): Field => [type, values[name]]);
  dispatch(gpu, k.key, () => k.source, buffers, fields, groups ?? grid1d(values.count));
}

/**
 * Runs a WGSL module written outside this project (the serve page's pasted kernels): its storage
 * buffers bind to @binding(0…k−1) in order and `fields`, if any, to @binding(k) as one struct. The
 * project's own kernels are declared with `kernel` instead.
 */
export function launchModule(gpu: Gpu, key: string, source: string, buffers: readonly GPUBuffer[], fields: readonly Field[], groups: Groups): void {
  dispatch(gpu, key, () => source, buffers, fields, groups);
}

function dispatch(gpu: Gpu, key: string, source: () => string, buffers: readonly GPUBuffer[], fields: readonly Field[], groups: Groups): void {
  const pipeline = gpu.pipeline(key, source);
  const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer, size: bindingSize(buffer) } }));
  if (fields.length > 0) entries.push({ binding: buffers.length, resource: gpu.uniforms(packFields(fields)) });
  const bindGroup = gpu.device.createBindGroup({ layout: gpu.layout(pipeline), entries });
  const pass = gpu.computePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
  gpu.dispatched();
}

function requireNames(k: Kernel, what: string, given: readonly string[], declared: readonly string[]): void {
  const missing = declared.filter((name) => !given.includes(name));
  const unknown = given.filter((name) => !declared.includes(name));
  if (missing.length > 0 || unknown.length > 0) {
    const problems = [...missing.map((name) => `no ${what} for '${name}'`), ...unknown.map((name) => `unknown ${what} '${name}'`)];
    throw new Error(`kernel ${k.name}: ${problems.join(', ')} (declared: ${declared.join(', ') || 'none'})`);
  }
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
 * Workgroups for one invocation per element of `n` elements, split over x and y so that no
 * dimension exceeds WebGPU's 65535-workgroup limit (the flat index is gid.x + gid.y·groups.x·64).
 */
export function grid1d(n: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / WORKGROUP_1D));
  const x = Math.min(groups, 32768);
  return [x, Math.ceil(groups / x)];
}
