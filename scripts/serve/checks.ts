import { zeros, read, release, upload, type GpuTensor } from '../../accelerated/runtime/buffers';
import { getGpu, type Gpu } from '../../accelerated/runtime/device';
import { grid1d, launchModule, WORKGROUP_1D } from '../../accelerated/runtime/kernel';
import { makeRng, randnTensor } from '../../reference/rng';
import { numel } from '../../reference/tensor';
import type { Impl, OpRow } from '../../spec/harness/op';
import { checkProperty, type PropertyResult } from '../../spec/harness/properties';
import { findRow, TABLE } from '../../spec/harness/table';

/**
 * What the `gradcheck serve` page runs, on whatever Gpu getGpu gives (the page injects one on the
 * browser's adapter): the twin checks, a pasted kernel's check and a matmul bench. No DOM here, so
 * the same code runs on Node's Dawn adapter too.
 */
export interface CheckOptions {
  readonly seed: number;
  readonly runs: number;
}

/** The rows named by `ops`: "all" (every row with a twin) or op ids separated by commas or spaces. */
export function selectRows(ops: string): OpRow[] {
  const ids = ops.split(/[\s,]+/).filter(Boolean);
  if (!ids.length) throw new Error('ops: expected "all" or op ids separated by commas, got nothing');
  return ids.includes('all') ? TABLE.filter((row) => row.twin) : ids.map(findRow);
}

/** Twin vs float64 reference over `row`'s random cases (spec/properties, shrunk on failure). */
export const checkTwin = (row: OpRow, options: CheckOptions): Promise<PropertyResult> => checkProperty(row, 'webgpu', options);

/**
 * The contract of a pasted kernel: one WGSL module computing an elementwise op of KERNEL_OPS,
 * x → out of the same shape, with x at @binding(0), out at @binding(1) and the element count n in a
 * uniform struct at @binding(2), entry point `main` with @workgroup_size(64), launched on enough
 * 64-wide workgroups along x and y for n (grid1d: the flat index is gid.x + gid.y·groups.x·64). All
 * three bindings must be used: WebGPU's automatic layout drops unused ones.
 */
export const KERNEL_OPS: readonly string[] = ['relu', 'sigmoid', 'tanh', 'selu'];

/** A correct relu under the contract: the page's starting text. */
export const KERNEL_TEMPLATE = `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
struct Params { n: u32 }
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(${WORKGROUP_1D})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WORKGROUP_1D}u;
  if (i >= params.n) { return; }
  out[i] = max(x[i], 0.0);
}
`;

/** Pipeline cache keys (and labels in WebGPU's messages) of the kernels pasted so far. */
const pastedKeys = new Map<string, string>();

const pasted = (source: string): { key: string; source: () => string } => {
  if (!pastedKeys.has(source)) pastedKeys.set(source, `pasted kernel ${pastedKeys.size + 1}`);
  return { key: pastedKeys.get(source)!, source: () => source };
};

/** A forward-only twin that launches `source` under the contract above. */
export function pastedKernel(source: string): Impl<GpuTensor> {
  const kernel = pasted(source);
  return {
    forward({ x }) {
      const n = numel(x.shape);
      // Zeroed, so that a kernel that skips elements cannot pass on a reused buffer's old contents.
      const out = zeros(x.gpu, x.shape);
      launchModule(x.gpu, kernel.key, source, [x.buffer, out.buffer], [['u32', n]], grid1d(n));
      return { outputs: { out }, cache: undefined };
    },
  };
}

/**
 * Throws, naming the problem, unless `source` compiles (each error with its line and column) and its
 * pipeline binds x, out and params as the contract says. Both steps run in error scopes: left
 * uncaptured, their errors would fail the Gpu's next reads, in other checks.
 */
async function requireContract(gpu: Gpu, source: string): Promise<void> {
  const { device } = gpu;
  device.pushErrorScope('validation');
  const info = await device.createShaderModule({ code: source }).getCompilationInfo();
  await device.popErrorScope();
  const errors = info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
  if (errors.length) throw new Error(`the kernel does not compile:\n${errors.join('\n')}`);
  const kernel = pasted(source);
  const buffer = (usage: GPUBufferUsageFlags) => device.createBuffer({ size: 16, usage });
  const buffers = [buffer(GPUBufferUsage.STORAGE), buffer(GPUBufferUsage.STORAGE), buffer(GPUBufferUsage.UNIFORM)];
  device.pushErrorScope('validation');
  device.createBindGroup({
    layout: gpu.layout(gpu.pipeline(kernel.key, kernel.source)),
    entries: buffers.map((b, binding) => ({ binding, resource: { buffer: b } })),
  });
  const error = await device.popErrorScope();
  buffers.forEach((b) => b.destroy());
  if (error) throw new Error(`the kernel does not fit the contract (x, out, params at bindings 0, 1, 2; entry point main): ${error.message}`);
}

/**
 * Checks a pasted kernel for `op` against the float64 reference's forward on the row's random
 * cases, as the twin checks do (shrunk on failure, with the worst element). Throws on an op outside
 * the contract and on a kernel that does not compile or fit the contract (requireContract).
 */
export async function verifyKernel(op: string, source: string, options: CheckOptions): Promise<PropertyResult> {
  if (!KERNEL_OPS.includes(op)) throw new Error(`op: expected one of ${KERNEL_OPS.join(', ')}, got "${op}"`);
  await requireContract(await getGpu(), source);
  const row = findRow(op);
  // The reference without its backward: the kernel is compared on its forward outputs alone.
  const forwardOnly: OpRow = { ...row, reference: { forward: row.reference.forward } };
  return checkProperty(forwardOnly, 'webgpu', { ...options, kernel: pastedKernel(source) });
}

/** Square matmul sizes the page's bench times, through affine's twin (x·w + b). */
export const BENCH_SIZES: readonly number[] = [128, 256, 512];

export interface BenchResult {
  readonly name: string;
  /** Median seconds per call. */
  readonly seconds: number;
  readonly gflops: number;
}

/**
 * Times affine's twin on n×n inputs: the median of `calls` calls, each until the device is idle.
 * One result is read back first, so that a kernel that silently did nothing cannot look fast.
 */
export async function benchMatmul(n: number, calls = 5): Promise<BenchResult> {
  const gpu = await getGpu();
  const twin = findRow('affine').twin!;
  const rng = makeRng(`serve:bench:${n}`);
  const inputs = { x: upload(gpu, randnTensor([n, n], rng)), w: upload(gpu, randnTensor([n, n], rng)), b: upload(gpu, randnTensor([n], rng)) };
  const call = async () => {
    const { outputs } = await twin.forward(inputs, {});
    await gpu.idle();
    return outputs.out;
  };
  const first = await call();
  await read(first);
  release(first);
  const times: number[] = [];
  for (let k = 0; k < calls; k++) {
    const t0 = performance.now();
    release(await call());
    times.push((performance.now() - t0) / 1000);
  }
  release(...Object.values(inputs));
  times.sort((a, b) => a - b);
  const seconds = times[times.length >> 1];
  return { name: `matmul ${n}×${n}`, seconds, gflops: (2 * n ** 3) / seconds / 1e9 };
}
