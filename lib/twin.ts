import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GpuTensor } from '../accelerated/runtime/buffers';
import { releaseGpu } from '../accelerated/runtime/device';
import { describeValue } from '../scripts/grade/protocol';
import { implFromModule } from '../spec/harness/op';
import { checkProperty, SUITE_SEED, type PropertyResult } from '../spec/harness/properties';
import { checkInteger, opRow, refuse } from './arguments';

export interface VerifyTwinOptions {
  /**
   * A kernel module to verify instead of the op's own twin, as `gradcheck verify --kernel`: its
   * path, or the module itself, exporting `<op>Forward`/`<op>Backward` (affineForward, …) with the
   * twin signatures, on device tensors.
   */
  readonly kernel?: string | Readonly<Record<string, unknown>>;
  /** Random cases (default 20). */
  readonly runs?: number;
  /** fast-check seed, the replay seed (default the suite's). */
  readonly seed?: number;
}

const NAME = 'verifyTwin';

/**
 * The twin of `op` (or a user's kernel) against the float64 reference on random cases of the op's
 * generator, as `gradcheck verify <op> --backend webgpu`: per-tensor max errors, and on failure the
 * shrunk case with its replay command. The only call of the library that opens a WebGPU device;
 * it destroys the device before it resolves, freeing its memory (a later call opens a new one).
 */
export async function verifyTwin(op: string, options: VerifyTwinOptions = {}): Promise<PropertyResult> {
  const row = opRow(op, NAME);
  const runs = checkInteger(NAME, 'options.runs', options.runs ?? 20, 1);
  const seed = checkInteger(NAME, 'options.seed', options.seed ?? SUITE_SEED, 0);
  const { kernel: source } = options;
  if (source !== undefined && typeof source !== 'string' && (typeof source !== 'object' || source === null)) {
    refuse(NAME, 'options.kernel', 'a module path or a module', describeValue(source));
  }
  if (source === undefined && !row.twin) {
    refuse(NAME, 'options.kernel', `a kernel module: op ${op} has no twin (${row.reasons?.twin_fwd ?? 'not written yet'})`, 'none');
  }
  const kernelPath = typeof source === 'string' ? source : undefined;
  const module =
    kernelPath !== undefined
      ? ((await import(pathToFileURL(resolve(kernelPath)).href)) as Record<string, unknown>)
      : (source as Readonly<Record<string, unknown>> | undefined);
  const kernel = module && implFromModule<GpuTensor>(row, module, kernelPath ?? `${NAME}: options.kernel`);
  try {
    return await checkProperty(row, 'webgpu', { seed, runs, kernel, kernelPath });
  } finally {
    await releaseGpu();
  }
}
