import { numel } from '../../reference/tensor';
import { empty, release, type GpuTensor } from './buffers';
import { kernel, launch } from './kernel';

/**
 * Reductions as a barrier-free tree: each pass has every invocation add FAN_IN consecutive
 * values, so n values take ⌈log₆₄ n⌉ passes. No workgroup memory, so it runs well on CPU
 * Vulkan drivers too; the pairwise-ish order keeps float32 error near √(log n) rather than n.
 */
const FAN_IN = 64;

/** One invocation per output value (count = ⌈n / FAN_IN⌉) adds its FAN_IN inputs. */
const sumPass = kernel({
  name: 'reduce:sum',
  inputs: { src: 'f32' },
  outputs: { dst: 'f32' },
  uniforms: { n: 'u32', scale: 'f32' },
  body: `let start = i * ${FAN_IN}u;
  var s = 0.0;
  for (var k = start; k < min(start + ${FAN_IN}u, u.n); k++) { s += src[k]; }
  dst[i] = s * u.scale;`,
});

/** scale·Σ t, as a scalar (shape []) device tensor. */
export function sumAll(t: GpuTensor, scale = 1): GpuTensor {
  let current = t;
  let n = numel(t.shape);
  do {
    const m = Math.ceil(n / FAN_IN);
    const next = empty(t.gpu, m === 1 ? [] : [m]);
    launch(t.gpu, sumPass, { src: current, dst: next }, { count: m, n, scale: m === 1 ? scale : 1 });
    if (current !== t) release(current);
    current = next;
    n = m;
  } while (n > 1);
  return current;
}

/**
 * One invocation per line of a (rows, cols) matrix walks its `len` values `stride` apart from
 * `start`·i: a column (start 1, stride cols) or a row (start cols, stride 1).
 */
const lineSumKernel = kernel({
  name: 'reduce:lines',
  inputs: { src: 'f32' },
  outputs: { dst: 'f32' },
  uniforms: { len: 'u32', start: 'u32', stride: 'u32' },
  body: `var s = 0.0;
  for (var r = 0u; r < u.len; r++) { s += src[i * u.start + r * u.stride]; }
  dst[i] = s;`,
});

/**
 * Σ over rows of a (rows, cols) matrix → (cols). One invocation per column walks its rows: adjacent
 * invocations read adjacent addresses, so loads coalesce on a GPU.
 */
export function columnSums(t: GpuTensor): GpuTensor {
  const [rows, cols] = t.shape;
  const out = empty(t.gpu, [cols]);
  launch(t.gpu, lineSumKernel, { src: t, dst: out }, { count: cols, len: rows, start: 1, stride: cols });
  return out;
}

/**
 * Σ over columns of a (rows, cols) matrix → (rows), one invocation per row (plain loads, no shared
 * memory): for many rows of moderate length, such as the planes of a (N, F, Ho, Wo) gradient.
 */
export function rowSums(t: GpuTensor): GpuTensor {
  const [rows, cols] = t.shape;
  const out = empty(t.gpu, [rows]);
  launch(t.gpu, lineSumKernel, { src: t, dst: out }, { count: rows, len: cols, start: cols, stride: 1 });
  return out;
}
