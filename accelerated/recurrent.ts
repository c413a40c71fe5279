import { zeros, view, type GpuTensor } from './runtime/buffers';
import { f32Arrays, kernel, launch, type Kernel } from './runtime/kernel';
import { matmul } from './runtime/matmul';
import { columnSums } from './runtime/reduce';
import { scope, scopedSteps } from './runtime/scope';

/**
 * The sequence driver shared by the RNN and LSTM twins (their steps are the T = 1 case).
 *
 * Forward: x·Wx + b for every time step in one matmul over x viewed as (N·T, D); then per step one
 * matmul h_{t−1}·Wh and one fused cell kernel that adds the two, applies the gates and writes h_t
 * both into h (N, T, H) and into a contiguous (N, H) state for the next step's matmul. The hidden
 * state stays on the device: the time loop only dispatches.
 *
 * Backward through time, also on the device: per step (t = T−1 … 0) one cell kernel turns the
 * upstream dh[:, t] plus the carried gradient into the gate pre-activation gradient da_t (stored into
 * da (N, T, G) and into a contiguous (N, G) copy), and one matmul carries da_t·Whᵀ to step t−1. The
 * parameter gradients are then whole-sequence matmuls: dx = da·Wxᵀ, dWx = xᵀ·da, dWh = h_prevᵀ·da
 * (h_prev = h shifted one step, h0 first), db = column sums of da.
 *
 * Cell kernels: one invocation per hidden unit (n, j), all gates of the unit in that invocation, so
 * the cell update needs no other invocation's result; no workgroup memory (grid1d over N·H).
 */
export interface SequenceDims {
  N: number;
  T: number;
  D: number;
  H: number;
}

/** The tensors a cell kernel sees in the forward at step t. */
export interface ForwardStepIo {
  /** x·Wx + b, (N, T, G) */
  xw: GpuTensor;
  /** h_{t−1}·Wh, (N, G) */
  hw: GpuTensor;
  /** all hidden states (N, T, H), written at t */
  h: GpuTensor;
  /** h_t as a contiguous (N, H), written */
  next: GpuTensor;
}

/** The tensors a cell kernel sees in the backward at step t. */
export interface BackwardStepIo {
  /** upstream gradient of every h_t, (N, T, H) */
  dh: GpuTensor;
  /** gradient of h_t carried from step t+1, (N, H) */
  carry: GpuTensor;
  h: GpuTensor;
  /** gate pre-activation gradients (N, T, G), written at t */
  da: GpuTensor;
  /** da at t as a contiguous (N, G), written */
  daStep: GpuTensor;
}

/**
 * A recurrent cell: its number of gate blocks and its two kernels, with whatever tensors of its own
 * they use in the forward (F) and the backward (B), e.g. the LSTM's cells, gates and cell gradient.
 */
export interface Cell<F, B = F> {
  readonly gates: number;
  forwardStep(dims: SequenceDims, t: number, io: ForwardStepIo, state: F): void;
  backwardStep(dims: SequenceDims, t: number, io: BackwardStepIo, state: B): void;
}

/** What the backward needs: sizes, the inputs it differentiates through, every h_t and the cell's forward tensors. */
export interface SequenceCache<S> {
  dims: SequenceDims;
  x: GpuTensor;
  h0: GpuTensor;
  Wx: GpuTensor;
  Wh: GpuTensor;
  h: GpuTensor;
  state: S;
}

/** The f32 arrays a cell kernel reads and writes, by name. */
export interface CellArrays {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/**
 * A cell kernel: one invocation per hidden unit i = (n, j) < N·H, the uniforms T, H and the step t.
 * Its body sees H, n, j, s (the unit's index in (N, T, H) at step t), a (its gate-0 index in
 * (N, T, G)) and ah (its gate-0 index in a contiguous (N, G)), and may call overflow-free tanh_ and
 * sigmoid and the kernel's own `functions`.
 */
export function cellKernel(name: string, arrays: CellArrays, gates: number, body: string, functions = ''): Kernel {
  return kernel({
    name,
    inputs: f32Arrays(...arrays.inputs),
    outputs: f32Arrays(...arrays.outputs),
    uniforms: { T: 'u32', H: 'u32', t: 'u32' },
    helpers: `fn tanh_(v: f32) -> f32 { let e = exp(-2.0 * abs(v)); return sign(v) * (1.0 - e) / (1.0 + e); }
fn sigmoid(v: f32) -> f32 { return 1.0 / (1.0 + exp(-v)); }
${functions}`,
    body: `let H = u.H;
  let n = i / H;
  let j = i % H;
  let s = (n * u.T + u.t) * H + j;
  let a = (n * u.T + u.t) * ${gates}u * H + j;
  let ah = n * ${gates}u * H + j;
  ${body}`,
  });
}

/** Launches a cell kernel over the N·H hidden units at step t, its arrays by name. */
export function launchCell(k: Kernel, { N, T, H }: SequenceDims, t: number, tensors: Readonly<Record<string, GpuTensor>>): void {
  launch(Object.values(tensors)[0].gpu, k, tensors, { count: N * H, T, H, t });
}

export function recurrentForward<S>(
  cell: Cell<S, unknown>,
  dims: SequenceDims,
  tensors: { x: GpuTensor; h0: GpuTensor; Wx: GpuTensor; Wh: GpuTensor; b: GpuTensor },
  state: S,
): { h: GpuTensor; cache: SequenceCache<S> } {
  const { x, h0, Wx, Wh, b } = tensors;
  const { N, T, D, H } = dims;
  const G = cell.gates * H;
  return scope(() => {
    const xw = view(matmul(view(x, [N * T, D]), Wx, { bias: b }), [N, T, G]);
    const h = zeros(x.gpu, [N, T, H]);
    scopedSteps(h0, T, (prev, t) => {
      const hw = matmul(prev, Wh);
      const next = zeros(x.gpu, [N, H]);
      cell.forwardStep(dims, t, { xw, hw, h, next }, state);
      return next;
    });
    return { h, cache: { dims, x, h0, Wx, Wh, h, state } };
  });
}

export interface SequenceGrads {
  dx: GpuTensor;
  dh0: GpuTensor;
  dWx: GpuTensor;
  dWh: GpuTensor;
  db: GpuTensor;
}

export function recurrentBackward<B>(cell: Cell<unknown, B>, dh: GpuTensor, cache: SequenceCache<unknown>, state: B): SequenceGrads {
  const { dims, x, h0, Wx, Wh, h } = cache;
  const { N, T, D, H } = dims;
  const G = cell.gates * H;
  return scope(() => {
    const da = zeros(x.gpu, [N, T, G]);
    // The first carry is zero-initialized: nothing flows back into the last step.
    const dh0 = scopedSteps(zeros(x.gpu, [N, H]), T, (carry, i) => {
      const daStep = zeros(x.gpu, [N, G]);
      cell.backwardStep(dims, T - 1 - i, { dh, carry, h, da, daStep }, state);
      return matmul(daStep, Wh, { transB: true }); // da_t·Whᵀ
    });
    const da2d = view(da, [N * T, G]);
    const hPrev = shiftedStates(h, h0, dims);
    return {
      dx: view(matmul(da2d, Wx, { transB: true }), [N, T, D]),
      dh0,
      dWx: matmul(view(x, [N * T, D]), da2d, { transA: true }),
      dWh: matmul(view(hPrev, [N * T, H]), da2d, { transA: true }),
      db: columnSums(da2d),
    };
  });
}

const shiftKernel = kernel({
  name: 'recurrent:shift',
  inputs: { h: 'f32', h0: 'f32' },
  outputs: { prev: 'f32' },
  uniforms: { T: 'u32', H: 'u32' },
  body: `let t = (i / u.H) % u.T;
  if (t == 0u) { prev[i] = h0[(i / (u.T * u.H)) * u.H + i % u.H]; } else { prev[i] = h[i - u.H]; }`,
});

/** h_prev (N, T, H): h_prev[:, t] = h[:, t−1], h_prev[:, 0] = h0. One invocation per element. */
export function shiftedStates(h: GpuTensor, h0: GpuTensor, { N, T, H }: SequenceDims): GpuTensor {
  const prev = zeros(h.gpu, [N, T, H]);
  launch(h.gpu, shiftKernel, { h, h0, prev }, { count: N * T * H, T, H });
  return prev;
}
