import { numel } from '../reference/tensor';
import { alloc, release, type GpuTensor } from './buffers';
import { grid1d, launch, MAIN_1D } from './launch';

/**
 * Reductions as a barrier-free tree: each pass has every invocation add FAN_IN consecutive
 * values, so n values take ⌈log₆₄ n⌉ passes. No workgroup memory, so it runs well on CPU
 * Vulkan drivers too; the pairwise-ish order keeps float32 error near √(log n) rather than n.
 */
const FAN_IN = 64;

const sumPass = {
  key: 'reduce:sum',
  source: () => `
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
struct Params { n: u32, scale: f32 }
@group(0) @binding(2) var<uniform> params: Params;
${MAIN_1D}
  let start = i * ${FAN_IN}u;
  if (start >= params.n) { return; }
  var s = 0.0;
  for (var k = start; k < min(start + ${FAN_IN}u, params.n); k++) { s += src[k]; }
  dst[i] = s * params.scale;
}`,
};

/** scale·Σ t, as a scalar (shape []) device tensor. */
export function sumAll(t: GpuTensor, scale = 1): GpuTensor {
  let current = t;
  let n = numel(t.shape);
  do {
    const m = Math.ceil(n / FAN_IN);
    const next = alloc(t.gpu, m === 1 ? [] : [m]);
    launch(t.gpu, sumPass, [current.buffer, next.buffer], [['u32', n], ['f32', m === 1 ? scale : 1]], grid1d(m));
    if (current !== t) release(current);
    current = next;
    n = m;
  } while (n > 1);
  return current;
}

const columnSumKernel = {
  key: 'reduce:columns',
  source: () => `
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
struct Params { rows: u32, cols: u32 }
@group(0) @binding(2) var<uniform> params: Params;
${MAIN_1D}
  if (i >= params.cols) { return; }
  var s = 0.0;
  for (var r = 0u; r < params.rows; r++) { s += src[r * params.cols + i]; }
  dst[i] = s;
}`,
};

/**
 * Σ over rows of a (rows, cols) matrix → (cols). One invocation per column walks its rows: adjacent
 * invocations read adjacent addresses, so loads coalesce on a GPU.
 */
export function columnSums(t: GpuTensor): GpuTensor {
  const [rows, cols] = t.shape;
  const out = alloc(t.gpu, [cols]);
  launch(t.gpu, columnSumKernel, [t.buffer, out.buffer], [['u32', rows], ['u32', cols]], grid1d(cols));
  return out;
}
