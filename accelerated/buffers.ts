import { numel, tensor, type Tensor } from '../reference/tensor';
import type { Gpu } from './device';

/**
 * Device tensors: a shape over a storage buffer of f32 (values) or i32 (labels, indices).
 * Uploads round float64 to float32; reads come back as float64 reference tensors.
 *
 * Buffers are pooled (BufferPool below): `release` hands a tensor's buffer back to its Gpu's pool and
 * `alloc`, `empty` and `upload` take from it before creating a new one, so a training loop reuses
 * the same few buffers every step instead of creating and destroying them per call.
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
  readonly lease?: { live: boolean };
}

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
const STAGING = () => GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;

/** Buffers hold at least one element: WebGPU forbids empty bindings. */
const byteSize = (shape: readonly number[]): number => Math.max(1, numel(shape)) * 4;

/** Pooled bytes kept by default; buffers released beyond it are destroyed. */
export const DEFAULT_POOL_CAP = 256 * 2 ** 20;

/**
 * The size a request of `bytes` is rounded up to, so that nearby sizes share buffers: multiples of
 * 256 bytes up to 4 KiB, then steps of a quarter of the power of two below (at most 25% unused).
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 4096) return Math.max(256, Math.ceil(bytes / 256) * 256);
  const step = 2 ** (Math.floor(Math.log2(bytes)) - 2);
  return Math.ceil(bytes / step) * step;
}

/**
 * Free buffers of one device, keyed by size class and usage, most recently released first (its
 * memory is likeliest to be in cache). At most `capBytes` are kept; a buffer released beyond that
 * is destroyed (after the commands recorded so far are submitted: they may still use it).
 */
export class BufferPool {
  capBytes = DEFAULT_POOL_CAP;
  private readonly free = new Map<string, GPUBuffer[]>();
  /** Every pooled buffer → the Gpu batch in which it was released. */
  private readonly releasedIn = new Map<GPUBuffer, number>();
  private bytes = 0;
  private outstanding = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly dispose: (buffer: GPUBuffer) => void,
  ) {}

  /** Bytes held by free buffers. */
  get pooledBytes(): number {
    return this.bytes;
  }

  /** Number of free buffers. */
  get size(): number {
    return this.releasedIn.size;
  }

  /** Buffers handed out by `take` and not given back: a computation that returns to the same count freed all it made. */
  get lent(): number {
    return this.outstanding;
  }

  has(buffer: GPUBuffer): boolean {
    return this.releasedIn.has(buffer);
  }

  /** A buffer of at least `bytes` for `usage`, and the batch it was released in (undefined: new). */
  take(bytes: number, usage: number): { buffer: GPUBuffer; releasedIn?: number } {
    // Rounding up never crosses the device's buffer size limit (a request past it fails as it is).
    const size = Math.max(bytes, Math.min(sizeClass(bytes), this.device.limits.maxBufferSize));
    this.outstanding++;
    const buffer = this.free.get(`${usage}:${size}`)?.pop();
    if (!buffer) return { buffer: this.device.createBuffer({ size, usage }) };
    const releasedIn = this.releasedIn.get(buffer)!;
    this.releasedIn.delete(buffer);
    this.bytes -= size;
    return { buffer, releasedIn };
  }

  /** Returns a buffer made by `take`, released during `batch`; ignored if it is already pooled. */
  give(buffer: GPUBuffer, batch: number): void {
    if (this.releasedIn.has(buffer)) return;
    this.outstanding--;
    if (this.bytes + buffer.size > this.capBytes) {
      this.dispose(buffer);
      return;
    }
    const key = `${buffer.usage}:${buffer.size}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    list.push(buffer);
    this.releasedIn.set(buffer, batch);
    this.bytes += buffer.size;
  }

  /** Destroys every pooled buffer (releaseGpu, or to give memory back). */
  clear(): void {
    for (const buffer of this.releasedIn.keys()) this.dispose(buffer);
    this.free.clear();
    this.releasedIn.clear();
    this.bytes = 0;
  }
}

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
  return { t, reused: releasedIn !== undefined, stale: releasedIn === gpu.batch && gpu.pending };
}

/**
 * A device tensor whose contents are unspecified (a reused buffer keeps old values): for outputs
 * that a kernel writes in full.
 */
export function alloc(gpu: Gpu, shape: readonly number[], dtype: DType = 'f32'): GpuTensor {
  return acquire(gpu, shape, dtype).t;
}

/** A zero-filled device tensor (new buffers start zeroed; a reused one is cleared in command order). */
export function empty(gpu: Gpu, shape: readonly number[], dtype: DType = 'f32'): GpuTensor {
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

const isTensor = (v: object): v is GpuTensor => 'buffer' in v && 'shape' in v && 'gpu' in v;

/**
 * Releases every device tensor reachable from `roots` (caches) through plain objects and arrays,
 * except those whose buffer one of `keep` holds (views share their allocation's lease, so a tensor
 * found twice is released once).
 */
export function releaseReachable(keep: readonly GpuTensor[], ...roots: unknown[]): void {
  const kept = new Set(keep.map((t) => t.buffer));
  const seen = new Set<object>();
  const found: GpuTensor[] = [];
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (isTensor(v)) {
      if (!kept.has(v.buffer)) found.push(v);
      return;
    }
    const proto = Object.getPrototypeOf(v);
    if (Array.isArray(v)) v.forEach(walk);
    else if (proto === Object.prototype || proto === null) Object.values(v).forEach(walk);
  };
  roots.forEach(walk);
  release(...found);
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
