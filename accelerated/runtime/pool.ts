/**
 * The buffer pool of one device (accelerated/runtime/buffers.ts takes tensors' buffers from it and gives them
 * back). A module of its own so that device.ts (which owns a pool) and buffers.ts (which uses the
 * Gpu) do not import each other.
 */
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
