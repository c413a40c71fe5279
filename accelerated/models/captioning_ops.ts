import { captionBackend, type CaptionOps } from '../../reference/models/captioning_ops';
import { END, NULL } from '../../reference/models/digit_strips';
import { numel } from '../../reference/tensor';
import type { Backend } from '../../reference/models/backend';
import { zeros, read, upload, view, type GpuTensor } from '../runtime/buffers';
import type { Gpu } from '../runtime/device';
import { kernel, launch, type Field } from '../runtime/kernel';
import { pointwise } from '../runtime/pointwise';
import { columnSums, sumAll } from '../runtime/reduce';
import { scope } from '../runtime/scope';
import { WEBGPU_MODEL_OPS } from './ops';

/**
 * The captioning models' ops on the device (CaptionOps of reference/models/captioning_ops.ts): the
 * model op table's twins (accelerated/models/ops.ts), plus the data movements of the captioners as small kernels of their own.
 * Tiling: one invocation per element written (per output element for the copies, per row for the
 * arg-max and the exact match, which walk their V words or L columns); no shared memory — they move
 * a few kilobytes per call and have nothing to reuse. Two of them write into an existing tensor in
 * place (a time slice of a sequence, a column of the greedy tokens), so they launch their own WGSL
 * rather than `pointwise`, whose outputs are fresh.
 */
const size = (t: GpuTensor): number => numel(t.shape);

/** One output `out` of `shape` from the body, with the inputs and uniforms named. */
function copyKernel(
  name: string,
  inputs: Record<string, GpuTensor>,
  shape: readonly number[],
  uniforms: Record<string, Field>,
  body: string,
  dtype: 'f32' | 'i32' = 'f32',
): GpuTensor {
  const [first] = Object.values(inputs);
  return pointwise(first.gpu, { name: `captioning:${name}`, inputs, outputs: { out: { shape, dtype } }, uniforms, count: numel(shape), body }).out;
}

/** A kernel over `count` invocations that reads `inputs` and writes into `target` in place; all u32 uniforms. */
function inPlace(
  name: string,
  inputs: Record<string, GpuTensor>,
  target: Record<string, GpuTensor>,
  values: Record<string, number>,
  count: number,
  body: string,
): void {
  const dtypes = (tensors: Record<string, GpuTensor>) => Object.fromEntries(Object.entries(tensors).map(([n, t]) => [n, t.dtype]));
  const k = kernel({
    name: `captioning:${name}`,
    inputs: dtypes(inputs),
    outputs: dtypes(target),
    uniforms: Object.fromEntries(Object.keys(values).map((n) => [n, 'u32'])),
    body,
  });
  const [gpu] = Object.values(target).map((t) => t.gpu);
  launch(gpu, k, { ...inputs, ...target }, { count, ...values });
}

function timeSlice(seq: GpuTensor, t: number): GpuTensor {
  const [N, T, F] = seq.shape;
  return copyKernel('time-slice', { seq }, [N, F], { T: ['u32', T], F: ['u32', F], t: ['u32', t] }, 'out[i] = seq[((i / F) * T + t) * F + i % F];');
}

function setTimeSlice(seq: GpuTensor, t: number, value: GpuTensor): void {
  const [N, T, F] = seq.shape;
  inPlace('set-time-slice', { value }, { seq }, { T, F, t }, N * F, 'seq[((i / u.F) * u.T + u.t) * u.F + i % u.F] = value[i];');
}

function concatColumns(a: GpuTensor, b: GpuTensor): GpuTensor {
  const [N, A] = a.shape;
  const B = b.shape[1];
  return copyKernel(
    'concat',
    { a, b },
    [N, A + B],
    { A: ['u32', A], B: ['u32', B] },
    `
  let n = i / (A + B);
  let c = i % (A + B);
  if (c < A) { out[i] = a[n * A + c]; } else { out[i] = b[n * B + c - A]; }`,
  );
}

function splitColumns(x: GpuTensor, A: number): [GpuTensor, GpuTensor] {
  const [N, C] = x.shape;
  const B = C - A;
  const first = copyKernel('split-first', { x }, [N, A], { A: ['u32', A], C: ['u32', C] }, 'out[i] = x[(i / A) * C + i % A];');
  const second = copyKernel('split-second', { x }, [N, B], { A: ['u32', A], B: ['u32', B], C: ['u32', C] }, 'out[i] = x[(i / B) * C + A + i % B];');
  return [first, second];
}

const addPositions = (x: GpuTensor, pos: GpuTensor): GpuTensor =>
  copyKernel('add-positions', { x, pos }, x.shape, { width: ['u32', size(pos)] }, 'out[i] = x[i] + pos[i % width];');

function sumOverBatch(x: GpuTensor): GpuTensor {
  const shape = x.shape.slice(1);
  return view(columnSums(view(x, [x.shape[0], numel(shape)])), shape);
}

function swapLastAxes(x: GpuTensor): GpuTensor {
  const [N, A, B] = x.shape;
  return copyKernel(
    'swap',
    { x },
    [N, B, A],
    { A: ['u32', A], B: ['u32', B] },
    `
  let a = i % A;
  let b = (i / A) % B;
  let n = i / (A * B);
  out[i] = x[(n * A + a) * B + b];`,
  );
}

function splitCaptions(captions: GpuTensor) {
  const [N, L] = captions.shape;
  const shape = [N, L - 1];
  const at = (shift: number) =>
    copyKernel(`captions-${shift}`, { captions }, shape, { L: ['u32', L] }, `out[i] = captions[(i / (L - 1u)) * L + i % (L - 1u) + ${shift}u];`, 'i32');
  const mask = copyKernel(
    'captions-mask',
    { captions },
    shape,
    { L: ['u32', L] },
    `out[i] = select(1, 0, captions[(i / (L - 1u)) * L + i % (L - 1u) + 1u] == ${NULL});`,
    'i32',
  );
  return { captionsIn: at(0), captionsOut: at(1), mask };
}

function writeArgmax(scores: GpuTensor, s: number, tokens: GpuTensor, col: number): void {
  const [N, S, V] = scores.shape;
  const L = tokens.shape[1];
  inPlace(
    'argmax',
    { scores },
    { tokens },
    { S, V, s, L, col },
    N,
    `
  let row = (i * u.S + u.s) * u.V;
  var best = 0u;
  for (var v = 1u; v < u.V; v++) { if (scores[row + v] > scores[row + best]) { best = v; } }
  tokens[i * u.L + u.col] = i32(best);`,
  );
}

/** The exact-match rate of greedy tokens against the captions (exactMatches of the reference), one invocation per row. */
export function exactMatch(tokens: GpuTensor, captions: GpuTensor): Promise<number> {
  return scope(async () => {
    const [N, L] = captions.shape;
    const hits = copyKernel(
      'exact-match',
      { tokens, captions },
      [N],
      { L: ['u32', L] },
      `
  var hit = 1.0;
  for (var t = 1u; t < L; t++) {
    let want = captions[i * L + t];
    if (tokens[i * L + t] != want) { hit = 0.0; break; }
    if (want == ${END}) { break; }
  }
  out[i] = hit;`,
    );
    return (await read(sumAll(hits, 1 / N))).data[0];
  });
}

/** The captioning ops on `gpu`. */
export function gpuCaptionOps(gpu: Gpu): CaptionOps<GpuTensor> {
  return {
    ...WEBGPU_MODEL_OPS,
    upload: (t, dtype = 'f32') => upload(gpu, t, dtype),
    zeros: (shape) => zeros(gpu, shape),
    timeSlice,
    setTimeSlice,
    concatColumns,
    splitColumns,
    addPositions,
    sumOverBatch,
    swapLastAxes,
    splitCaptions,
    writeArgmax,
  };
}

/** The Solver's captioning backend on the device (captionBackend over the WebGPU backend). */
export const gpuCaptionBackend = (base: Backend<GpuTensor>): Backend<GpuTensor> => captionBackend(base, exactMatch);
