import { BufferPool } from './pool';

/**
 * The backend-neutral device: the Gpu every twin shares and the process's one Gpu. Finding an
 * adapter is the platform's business: on Node, accelerated/runtime/node_adapter.ts (Dawn, SwiftShader),
 * imported only when getGpu first needs it; a web page (scripts/serve) injects a Gpu built on
 * navigator.gpu with gpuOnAdapter instead, so the browser bundle never loads the Node module.
 */

/** The most dispatches one batch may hold (the uniform arena's slots). */
export const MAX_BATCH = 128;
/** Bytes of the uniform arena per dispatch: WebGPU's minUniformBufferOffsetAlignment is at most 256. */
const UNIFORM_SLOT = 256;

/**
 * The device plus the state every twin shares: compiled pipelines, the buffer pool, and the open
 * command batch.
 *
 * Command batching: launches record into one shared command encoder and compute pass, and are
 * submitted together when something needs them: a read, an explicit `flush()`, `idle()` or MAX_BATCH
 * dispatches. The Gpu is the one submit path: code records copies into `commandEncoder()`, writes
 * with `write` and waits with `idle()`, never on the device's queue itself (which would run ahead of
 * the commands still recorded). Each dispatch's
 * uniforms take a 256-byte slot of one uniform arena, written just before the batch's submit.
 * `batching = false` submits after every launch (same commands, same results).
 */
export class Gpu {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly layouts = new WeakMap<GPUComputePipeline, GPUBindGroupLayout>();
  private firstError: string | undefined;
  readonly pool: BufferPool;
  /** Record launches into one encoder submitted on demand (true), or submit every launch (false). */
  batching = true;
  /** Dispatches after which a batch is submitted anyway (at most MAX_BATCH). */
  maxBatch = MAX_BATCH;
  /** Counts submitted batches: the open batch's number. */
  batch = 0;
  private encoder: GPUCommandEncoder | undefined;
  private pass: GPUComputePassEncoder | undefined;
  private dispatches = 0;
  private readonly uniformHost = new Uint8Array(MAX_BATCH * UNIFORM_SLOT);
  private readonly uniformArena: GPUBuffer;
  private uniformUsed = 0;
  private toDestroy: GPUBuffer[] = [];

  constructor(
    /**
     * The WebGPU instance (Dawn's, or a page's navigator.gpu). It must stay referenced while the
     * device lives: if Dawn's is garbage-collected, Dawn's event processing dereferences the freed
     * instance and the process crashes at random.
     */
    readonly instance: GPU,
    readonly device: GPUDevice,
    /** Which adapter this is, e.g. "SwiftShader (CPU Vulkan)". */
    readonly adapterName: string,
  ) {
    device.addEventListener('uncapturederror', (event) => {
      this.firstError ??= (event as GPUUncapturedErrorEvent).error.message;
    });
    this.pool = new BufferPool(device, (buffer) => this.destroyAfterSubmit(buffer));
    this.uniformArena = device.createBuffer({ size: this.uniformHost.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /** True on a CPU Vulkan driver, where kernels should avoid workgroup barriers. */
  get isCpu(): boolean {
    return /swiftshader|llvmpipe|lavapipe|cpu/i.test(this.adapterName);
  }

  /** Compute pipeline for `key`, compiled from `source()` on first use (entry point `main`). */
  pipeline(key: string, source: () => string): GPUComputePipeline {
    let p = this.pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ label: key, code: source() });
      p = this.device.createComputePipeline({ label: key, layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** Bind group layout 0 of a pipeline (cached: each getBindGroupLayout call makes a new object). */
  layout(pipeline: GPUComputePipeline): GPUBindGroupLayout {
    let l = this.layouts.get(pipeline);
    if (!l) this.layouts.set(pipeline, (l = pipeline.getBindGroupLayout(0)));
    return l;
  }

  /** True while recorded commands await submission. */
  get pending(): boolean {
    return this.encoder !== undefined;
  }

  /** The open batch's encoder, outside any compute pass (for copies and clears). */
  commandEncoder(): GPUCommandEncoder {
    this.pass?.end();
    this.pass = undefined;
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  /** The open batch's compute pass. */
  computePass(): GPUComputePassEncoder {
    return (this.pass ??= this.commandEncoder().beginComputePass());
  }

  /**
   * A slot of the uniform arena holding `bytes` (at most 256) for the next dispatch. Call it before
   * `computePass()`: a full arena submits the open batch.
   */
  uniforms(bytes: ArrayBuffer): GPUBufferBinding {
    if (bytes.byteLength > UNIFORM_SLOT) throw new Error(`uniforms: at most ${UNIFORM_SLOT / 4} fields per launch, got ${bytes.byteLength / 4}`);
    if (this.uniformUsed + UNIFORM_SLOT > this.uniformHost.byteLength) this.flush();
    const offset = this.uniformUsed;
    this.uniformHost.set(new Uint8Array(bytes), offset);
    this.uniformUsed += UNIFORM_SLOT;
    return { buffer: this.uniformArena, offset, size: bytes.byteLength };
  }

  /** Counts a recorded dispatch; submits when not batching or when the batch is full. */
  dispatched(): void {
    this.dispatches++;
    if (!this.batching || this.dispatches >= Math.min(this.maxBatch, MAX_BATCH)) this.flush();
  }

  /** Submits every recorded command (their uniforms first); a no-op when nothing is recorded. */
  flush(): void {
    if (!this.encoder) return;
    this.pass?.end();
    this.pass = undefined;
    if (this.uniformUsed > 0) this.device.queue.writeBuffer(this.uniformArena, 0, this.uniformHost, 0, this.uniformUsed);
    const commands = this.encoder.finish();
    this.encoder = undefined;
    this.dispatches = 0;
    this.uniformUsed = 0;
    this.batch++;
    this.device.queue.submit([commands]);
    for (const buffer of this.toDestroy) buffer.destroy();
    this.toDestroy = [];
  }

  /**
   * Writes `data` at the start of `buffer` ahead of every command not yet submitted (queue order):
   * the caller flushes first if one of those may use the buffer (upload does).
   */
  write(buffer: GPUBuffer, data: Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer>): void {
    this.device.queue.writeBuffer(buffer, 0, data);
  }

  /** Submits every recorded command and resolves once the device has finished all submitted work. */
  idle(): Promise<void> {
    this.flush();
    return this.device.queue.onSubmittedWorkDone();
  }

  /** Destroys a buffer once the commands recorded so far (which may use it) are submitted. */
  destroyAfterSubmit(buffer: GPUBuffer): void {
    if (this.encoder) this.toDestroy.push(buffer);
    else buffer.destroy();
  }

  /** Throws the first WebGPU validation error seen so far, naming the kernel where Dawn does. */
  throwIfFailed(): void {
    if (this.firstError !== undefined) {
      const message = this.firstError;
      this.firstError = undefined;
      throw new Error(`WebGPU error: ${message}`);
    }
  }

  destroy(): void {
    this.encoder = undefined;
    this.pass = undefined;
    this.toDestroy = [];
    this.pool.clear();
    this.device.destroy();
  }
}

let shared: Promise<Gpu> | undefined;

/** The process's Gpu, created on first call (on Dawn's adapter, accelerated/runtime/node_adapter.ts, unless one was injected). */
export function getGpu(): Promise<Gpu> {
  shared ??= import('./node_adapter')
    .then((node) => node.createGpu())
    .catch((e) => {
      shared = undefined;
      throw e;
    });
  return shared;
}

/** Destroys the process's Gpu (if any) so Node can exit. */
export async function releaseGpu(): Promise<void> {
  const pending = shared;
  shared = undefined;
  if (pending) (await pending.catch(() => undefined))?.destroy();
}

/**
 * Makes `gpu` the process's Gpu in place of one on Dawn: a web page (scripts/serve) builds it on the
 * browser's navigator.gpu with gpuOnAdapter, where Dawn and Node are absent.
 */
export async function injectGpu(gpu: Gpu): Promise<void> {
  await releaseGpu();
  shared = Promise.resolve(gpu);
}

/** A Gpu on `adapter`: its device gets the adapter's own storage limits, which large twins need. */
export async function gpuOnAdapter(instance: GPU, adapter: GPUAdapter, name: string): Promise<Gpu> {
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  return new Gpu(instance, device, name);
}

/** "vendor architecture device description" of an adapter, leaving out the empty ones. */
export const adapterName = (info: GPUAdapterInfo): string => [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
