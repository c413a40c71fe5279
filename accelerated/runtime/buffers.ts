import { numel, tensor, type Tensor } from '../../reference/tensor';
import type { Gpu } from './device';
import { track, type Lease } from './scope';

/**
 * Device tensors: a shape over a storage buffer of f32 (values) or i32 (labels, indices).
 * Uploads round float64 to float32; reads come back as float64 reference tensors.
 *
 * Buffers are pooled (accelerated/runtime/pool.ts): `release` hands a tensor's buffer back to its Gpu's pool and
 * `empty`, `zeros` and `upload` take from it before creating a new one, so a training loop reuses
 * the same few buffers every step instead of creating and destroying them per call. Every new
 * tensor joins the innermost open `scope` (accelerated/runtime/scope.ts), which frees it unless it is returned.
 */
export type DType = 'f32' | 'i32';

export interface GpuTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly buffer: GPUBuffer;
  readonly gpu: Gpu;
  /**
   * The allocation the buffer belongs to. Views share it (they are spread copies), so releasing a
   * tensor and a view of it, or one tensor twice, returns the buffer to the pool once only, and a
   * stale release can never hand back a buffer that another tensor has since been given.
   */
  readonly lease?: Lease;
}

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
const STAGING = () => GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;

/** Buffers hold at least one element: WebGPU forbids empty bindings. */
const byteSize = (shape: readonly number[]): number => Math.max(1, numel(shape)) * 4;

/** Bytes a binding of each pooled buffer covers: its current tensor's size, not its size class. */
const logicalBytes = new WeakMap<GPUBuffer, number>();

/** The size to bind `buffer` with (its tensor's byte size; the whole buffer if not from here). */
export const bindingSize = (buffer: GPUBuffer): number => logicalBytes.get(buffer) ?? buffer.size;

/** A pooled storage buffer for `shape`; `stale`: it was released during the open batch, so commands still to be submitted may use its old contents. */
function acquire(gpu: Gpu, shape: readonly number[], dtype: DType): { t: GpuTensor; reused: boolean; stale: boolean } {
  const bytes = byteSize(shape);
  const { buffer, releasedIn } = gpu.pool.take(bytes, STORAGE());
  logicalBytes.set(buffer, bytes);
  const t = { shape: [...shape], dtype, buffer, gpu, lease: { live: true } };
  track(t.lease, () => release(t));
  return { t, reused: releasedIn !== undefined, stale: releasedIn === gpu.batch && gpu.pending };
}

/**
 * A device tensor whose contents are unspecified (a reused buffer keeps old values): for outputs
 * that a kernel writes in full.
 */
export function empty(gpu: Gpu, shape: readonly number[], dtype: DType = 'f32'): GpuTensor {
  return acquire(gpu, shape, dtype).t;
}

/** A zero-filled device tensor (new buffers start zeroed; a reused one is cleared in command order). */
export function zeros(gpu: Gpu, shape: readonly number[], dtype: DType = 'f32'): GpuTensor {
  const { t, reused } = acquire(gpu, shape, dtype);
  if (reused) gpu.commandEncoder().clearBuffer(t.buffer);
  return t;
}

export function upload(gpu: Gpu, t: Tensor, dtype: DType = 'f32'): GpuTensor {
  const { t: out, stale } = acquire(gpu, t.shape, dtype);
  // writeBuffer runs before anything still unsubmitted: submit that first if it may read this buffer.
  if (stale) gpu.flush();
  const data = dtype === 'f32' ? Float32Array.from(t.data) : Int32Array.from(t.data);
  gpu.write(out.buffer, data);
  return out;
}

/** Copies a device tensor back to the host as a float64 tensor, submitting every recorded command first. */
export async function read(t: GpuTensor): Promise<Tensor> {
  const { gpu } = t;
  const n = numel(t.shape);
  const bytes = byteSize(t.shape);
  const { buffer: staging } = gpu.pool.take(bytes, STAGING());
  gpu.commandEncoder().copyBufferToBuffer(t.buffer, 0, staging, 0, bytes);
  gpu.flush();
  try {
    await staging.mapAsync(GPUMapMode.READ, 0, bytes);
  } finally {
    gpu.throwIfFailed();
  }
  const range = staging.getMappedRange(0, bytes);
  const host = tensor(t.shape, t.dtype === 'f32' ? new Float32Array(range, 0, n) : new Int32Array(range, 0, n));
  staging.unmap();
  gpu.pool.give(staging, gpu.batch);
  return host;
}

/** The same buffer under another shape of equal size. */
export function view(t: GpuTensor, shape: readonly number[]): GpuTensor {
  if (numel(shape) !== numel(t.shape)) {
    throw new Error(`view: cannot view [${t.shape.join(', ')}] as [${shape.join(', ')}]`);
  }
  return { ...t, shape: [...shape] };
}

/** Hands tensors' buffers back to their pool. A tensor (or any view of it) must not be used after. */
export function release(...ts: GpuTensor[]): void {
  for (const t of ts) {
    if (t.lease) {
      if (!t.lease.live) continue;
      t.lease.live = false;
    }
    t.gpu.pool.give(t.buffer, t.gpu.batch);
  }
}
