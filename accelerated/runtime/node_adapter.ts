import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, globals } from 'webgpu';
import { adapterName, gpuOnAdapter, type Gpu } from './device';

/**
 * The one place that finds a WebGPU adapter. On a machine without a GPU it uses SwiftShader, the
 * CPU Vulkan driver that Debian's chromium package ships, by pointing VK_ICD_FILENAMES at it
 * before the first adapter request (unless the user chose a driver with VK_ICD_FILENAMES or
 * VK_DRIVER_FILES). Node-only (Dawn, the file system): device.ts imports it when getGpu first
 * needs a Gpu, so a browser bundle never does.
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

/** A Gpu on Dawn: the system driver or SwiftShader, in the order hasGpuDevice suggests. */
export async function createGpu(): Promise<Gpu> {
  Object.assign(globalThis, globals);
  quietXdgRuntimeDir();
  const userChoice = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
  const attempts: Array<'system' | 'swiftshader'> = userChoice ? ['system'] : hasGpuDevice() ? ['system', 'swiftshader'] : ['swiftshader', 'system'];
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

/** A hint that a hardware GPU is present, so the system driver is tried before SwiftShader. */
function hasGpuDevice(): boolean {
  try {
    return (
      readdirSync('/dev').some((f) => /^nvidia\d|^dri$/.test(f)) && (existsSync('/dev/nvidia0') || readdirSync('/dev/dri').some((f) => f.startsWith('renderD')))
    );
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
