import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, globals } from 'webgpu';
import { BufferPool } from './buffers';

/**
 * The one place that finds a WebGPU adapter. On a machine without a GPU it uses SwiftShader, the
 * CPU Vulkan driver that Debian's chromium package ships, by pointing VK_ICD_FILENAMES at it
 * before the first adapter request (unless the user chose a driver with VK_ICD_FILENAMES or
 * VK_DRIVER_FILES). One Gpu per process, made on first use.
 */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
export const SETUP_COMMAND = 'npm run setup';

export class NoAdapterError extends Error {
  constructor(tried: string) {
    super(
      `No WebGPU adapter could be found (tried ${tried}): run \`${SETUP_COMMAND}\` to install the ` +
        `Vulkan loader and SwiftShader (Debian packages libvulkan1 and chromium), or set VK_ICD_FILENAMES ` +
        `to your GPU's Vulkan ICD file.`,
    );
    this.name = 'NoAdapterError';
  }
}

/** The most dispatches one batch may hold (the uniform arena's slots). */
export const MAX_BATCH = 128;
/** Bytes of the uniform arena per dispatch: WebGPU's minUniformBufferOffsetAlignment is at most 256. */
const UNIFORM_SLOT = 256;

/**
 * The device plus the state every twin shares: compiled pipelines, the buffer pool, and the open
 * command batch.
 *
 * Command batching: launches record into one shared command encoder and compute pass, and are
 * submitted together when something needs them: a read, an explicit `flush()`, MAX_BATCH
 * dispatches, or any direct use of the device's queue (submit, writeBuffer, onSubmittedWorkDone are
 * wrapped to flush first, so code that talks to the queue itself stays in order). Each dispatch's
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
  private readonly submitRaw: GPUQueue['submit'];
  private readonly writeRaw: (buffer: GPUBuffer, offset: number, data: BufferSource | SharedArrayBuffer, dataOffset?: number, size?: number) => void;

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
    const queue = device.queue;
    this.submitRaw = queue.submit.bind(queue);
    this.writeRaw = queue.writeBuffer.bind(queue) as Gpu['writeRaw'];
    const workDone = queue.onSubmittedWorkDone.bind(queue);
    queue.submit = (buffers) => {
      this.flush();
      this.submitRaw(buffers);
    };
    queue.writeBuffer = ((...args: Parameters<Gpu['writeRaw']>) => {
      this.flush();
      this.writeRaw(...args);
    }) as GPUQueue['writeBuffer'];
    queue.onSubmittedWorkDone = () => {
      this.flush();
      return workDone();
    };
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
    if (this.uniformUsed > 0) this.writeRaw(this.uniformArena, 0, this.uniformHost, 0, this.uniformUsed);
    const commands = this.encoder.finish();
    this.encoder = undefined;
    this.dispatches = 0;
    this.uniformUsed = 0;
    this.batch++;
    this.submitRaw([commands]);
    for (const buffer of this.toDestroy) buffer.destroy();
    this.toDestroy = [];
  }

  /** writeBuffer without the flush that the wrapped queue.writeBuffer does (the caller orders it). */
  write(buffer: GPUBuffer, data: Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer>): void {
    this.writeRaw(buffer, 0, data);
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

/** The process's Gpu, created on first call (on Dawn's adapter unless one was injected). */
export function getGpu(): Promise<Gpu> {
  shared ??= createGpu().catch((e) => {
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
 * browser's navigator.gpu with gpuOnAdapter, where Dawn and this file's Node imports are absent.
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

async function createGpu(): Promise<Gpu> {
  Object.assign(globalThis, globals);
  quietXdgRuntimeDir();
  const userChoice = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
  const attempts: Array<'system' | 'swiftshader'> = userChoice
    ? ['system']
    : hasGpuDevice()
      ? ['system', 'swiftshader']
      : ['swiftshader', 'system'];
  const tried: string[] = [];
  for (const attempt of attempts) {
    if (attempt === 'swiftshader') {
      if (!existsSync(SWIFTSHADER_ICD)) {
        tried.push(`SwiftShader (${SWIFTSHADER_ICD} is missing)`);
        continue;
      }
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    }
    tried.push(attempt === 'swiftshader' ? 'SwiftShader' : userChoice ? `the driver in ${userChoice}` : 'the system Vulkan drivers');
    const instance = create([]);
    const adapter = await instance.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      if (attempt === 'swiftshader') delete process.env.VK_ICD_FILENAMES;
      continue;
    }
    const name = attempt === 'swiftshader' ? 'SwiftShader (CPU Vulkan)' : adapterName(adapter.info) || 'system Vulkan adapter';
    return gpuOnAdapter(instance, adapter, name);
  }
  throw new NoAdapterError(tried.join(', then '));
}

/** "vendor architecture device description" of an adapter, leaving out the empty ones. */
export const adapterName = (info: GPUAdapterInfo): string =>
  [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');

/** A hint that a hardware GPU is present, so the system driver is tried before SwiftShader. */
function hasGpuDevice(): boolean {
  try {
    return readdirSync('/dev').some((f) => /^nvidia\d|^dri$/.test(f)) &&
      (existsSync('/dev/nvidia0') || readdirSync('/dev/dri').some((f) => f.startsWith('renderD')));
  } catch {
    return false;
  }
}

/** Vulkan loaders print "XDG_RUNTIME_DIR is invalid" unless it names a private directory. */
function quietXdgRuntimeDir(): void {
  const dir = process.env.XDG_RUNTIME_DIR;
  if (dir && existsSync(dir) && statSync(dir).isDirectory()) return;
  process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'gradcheck-xdg-'));
}
