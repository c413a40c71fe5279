import { getGpu } from '../../accelerated/runtime/device';
import { read, upload, type GpuTensor } from '../../accelerated/runtime/buffers';
import { scope } from '../../accelerated/runtime/scope';
import { tensor, type Tensor, type Tensors } from '../../reference/tensor';
import type { ErrorCase, Impl, OpRow, Sample, TwinImpl } from './op';

export interface Run {
  outputs: Tensors;
  grads?: Tensors;
  /** Twin runs: device buffers the twin made but neither returned (outputs, cache, grads) nor released (0 for a twin that frees its intermediates). */
  leaked?: number;
}

/** Runs a reference implementation: forward, then backward with `douts` when given. */
export function runReference(impl: Impl<Tensor>, sample: Sample, douts?: Tensors): Run {
  const { outputs, cache } = impl.forward(sample.inputs, sample.params);
  const grads = douts && impl.backward ? impl.backward(douts, cache) : undefined;
  return { outputs, grads };
}

/**
 * Whether a bad input is one a twin must reject on its own: a shape or parameter error, which the
 * row's checks still report with the data zeroed. Value errors (NaN, labels out of range) are
 * checked on the host before upload (runTwin's host checks), never by a twin's kernels. The errors
 * test and the twin grader (scripts/grade/suite.ts) both hold twins to exactly these.
 */
export function rejectedOnDevice(row: OpRow, e: ErrorCase): boolean {
  const zeroed = Object.fromEntries(Object.entries(e.sample.inputs).map(([k, t]) => [k, tensor(t.shape)]));
  try {
    row.validate(zeroed, e.sample.params);
    return false;
  } catch (err) {
    return (err as Error).message === e.message;
  }
}

export interface TwinRunOptions {
  /**
   * Run the row's host-side checks (shapes and values) before the upload (default true). Off where
   * the twin itself is under test: its own checks must reject shape and parameter errors.
   */
  readonly hostChecks?: boolean;
}

/**
 * Runs a twin (the row's, or a user's kernel module of the same shape) on host tensors: checks the
 * inputs on the host (unless `hostChecks` is off), uploads them (float → f32, int → i32), runs
 * forward and, given `douts`, backward, and reads everything back, all in one scope that frees every
 * device buffer at the end (also when a pass throws). Forward and backward each run in a scope of
 * their own that counts what it had to free: buffers the twin made but neither returned (in its
 * outputs, cache or grads) nor released itself, its leaks.
 */
export async function runTwin(
  row: OpRow,
  sample: Sample,
  douts?: Tensors,
  twin: TwinImpl | undefined = row.twin,
  { hostChecks = true }: TwinRunOptions = {},
): Promise<Run> {
  if (!twin) throw new Error(`${row.id}: no twin (${row.reasons?.twin_fwd ?? 'not written yet'})`);
  if (hostChecks) row.validate(sample.inputs, sample.params);
  const gpu = await getGpu();
  let leaked = 0;
  const counted = { freed: (n: number) => (leaked += n) };
  const put = (t: Tensor, kind: 'float' | 'int'): GpuTensor => upload(gpu, t, kind === 'int' ? 'i32' : 'f32');
  const fetch = async (ts: Record<string, GpuTensor>): Promise<Tensors> => {
    const host: Tensors = {};
    for (const [k, t] of Object.entries(ts)) host[k] = await read(t);
    return host;
  };
  return scope(async () => {
    const kinds = Object.fromEntries(row.inputs.map((i) => [i.name, i.kind]));
    const inputs = Object.fromEntries(Object.entries(sample.inputs).map(([k, t]) => [k, put(t, kinds[k] ?? 'float')]));
    const forward = await scope(async () => twin.forward(inputs, sample.params), counted);
    const outputs = await fetch(forward.outputs);
    if (!douts || !twin.backward) return { outputs, leaked };
    const backward = twin.backward;
    const gpuDouts = Object.fromEntries(Object.entries(douts).map(([k, t]) => [k, put(t, 'float')]));
    const grads = await fetch(scope(() => backward(gpuDouts, forward.cache), counted));
    return { outputs, grads, leaked };
  });
}
