import { getGpu } from '../accelerated/device';
import { read, release, releaseReachable, upload, type GpuTensor } from '../accelerated/buffers';
import { tensor, type Tensor, type Tensors } from '../reference/tensor';
import type { ErrorCase, Impl, OpRow, Sample, TwinImpl } from './op';

export interface Run {
  outputs: Tensors;
  grads?: Tensors;
  /** Twin runs: device buffers still taken once the inputs, outputs, grads and whatever the cache holds are freed (0 for a twin that frees its intermediates). */
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
 * forward and, given `douts`, backward, reads everything back and frees the device buffers (the
 * cache's too when a pass throws), counting those the twin left taken.
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
  const lentBefore = gpu.pool.lent;
  const owned: GpuTensor[] = [];
  let cache: unknown;
  /** Frees the inputs, outputs, grads and cache; returns how many buffers the twin still has taken. */
  const freeAll = () => {
    release(...owned);
    releaseReachable([], cache);
    owned.length = 0;
    cache = undefined;
    return gpu.pool.lent - lentBefore;
  };
  const put = (t: Tensor, kind: 'float' | 'int'): GpuTensor => {
    const g = upload(gpu, t, kind === 'int' ? 'i32' : 'f32');
    owned.push(g);
    return g;
  };
  const fetch = async (ts: Record<string, GpuTensor>): Promise<Tensors> => {
    owned.push(...Object.values(ts));
    const host: Tensors = {};
    for (const [k, t] of Object.entries(ts)) host[k] = await read(t);
    return host;
  };
  try {
    const kinds = Object.fromEntries(row.inputs.map((i) => [i.name, i.kind]));
    const inputs = Object.fromEntries(Object.entries(sample.inputs).map(([k, t]) => [k, put(t, kinds[k] ?? 'float')]));
    const forward = await twin.forward(inputs, sample.params);
    cache = forward.cache;
    const outputs = await fetch(forward.outputs);
    if (!douts || !twin.backward) return { outputs, leaked: freeAll() };
    const gpuDouts = Object.fromEntries(Object.entries(douts).map(([k, t]) => [k, put(t, 'float')]));
    const grads = await fetch(twin.backward(gpuDouts, forward.cache));
    return { outputs, grads, leaked: freeAll() };
  } finally {
    freeAll();
  }
}
