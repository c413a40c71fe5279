import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, globals } from 'webgpu';

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

export class Gpu {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private firstError: string | undefined;

  constructor(
    /**
     * The Dawn instance. It must stay referenced while the device lives: if it is garbage-collected,
     * Dawn's event processing dereferences the freed instance and the process crashes at random.
     */
    readonly instance: GPU,
    readonly device: GPUDevice,
    /** Which adapter this is, e.g. "SwiftShader (CPU Vulkan)". */
    readonly adapterName: string,
  ) {
    device.addEventListener('uncapturederror', (event) => {
      this.firstError ??= (event as GPUUncapturedErrorEvent).error.message;
    });
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

  /** Throws the first WebGPU validation error seen so far, naming the kernel where Dawn does. */
  throwIfFailed(): void {
    if (this.firstError !== undefined) {
      const message = this.firstError;
      this.firstError = undefined;
      throw new Error(`WebGPU error: ${message}`);
    }
  }

  destroy(): void {
    this.device.destroy();
  }
}

let shared: Promise<Gpu> | undefined;

/** The process's Gpu, created on first call. */
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
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
    const info = adapter.info;
    const name = attempt === 'swiftshader'
      ? 'SwiftShader (CPU Vulkan)'
      : [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'system Vulkan adapter';
    return new Gpu(instance, device, name);
  }
  throw new NoAdapterError(tried.join(', then '));
}

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
