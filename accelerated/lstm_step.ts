import { validateLstmStep } from '../reference/lstm_step';
import { requireGradShape } from '../reference/recurrent';
import { zeros, view, type GpuTensor } from './runtime/buffers';
import type { Gpu } from './runtime/device';
import { map } from './runtime/elementwise';
import { cellKernel, launchCell, recurrentBackward, recurrentForward, type Cell, type SequenceCache, type SequenceDims } from './recurrent';

/**
 * Twin of reference/lstm_step: the step is the T = 1 case of the sequence driver in recurrent.ts
 * (matmuls x·Wx + b and prev_h·Wh, then the fused gate kernel below; tiling there). Gate blocks
 * in the course's order i, f, o, g.
 */
export interface LstmState {
  /** c before step 0, (N, H) */
  c0: GpuTensor;
  /** every c_t, (N, T, H) */
  c: GpuTensor;
  /** activated gates i, f, o, g of every step, (N, T, 4H) */
  gates: GpuTensor;
}

/** During the backward: the gradient of the current c, carried and updated in place, (N, H). */
interface LstmBackwardState extends LstmState {
  dc: GpuTensor;
}

const PREV_C = 'var cp = 0.0; if (u.t == 0u) { cp = c0[i]; } else { cp = c[s - H]; }';

/** c_t = f·c_{t−1} + i·g, h_t = o·tanh(c_t), the gates stored for the backward */
const forwardKernel = cellKernel(
  'lstm:forward-step',
  { inputs: ['xw', 'hw', 'c0'], outputs: ['h', 'c', 'gates', 'next'] },
  4,
  `let ig = sigmoid(xw[a] + hw[ah]);
  let fg = sigmoid(xw[a + H] + hw[ah + H]);
  let og = sigmoid(xw[a + 2u * H] + hw[ah + 2u * H]);
  let gg = tanh_(xw[a + 3u * H] + hw[ah + 3u * H]);
  ${PREV_C}
  let cv = fg * cp + ig * gg;
  let hv = og * tanh_(cv);
  gates[a] = ig; gates[a + H] = fg; gates[a + 2u * H] = og; gates[a + 3u * H] = gg;
  c[s] = cv;
  h[s] = hv;
  next[i] = hv;`,
);

/**
 * dh_t = dh[:, t] + carry;  dc = dc + dh_t·o·(1 − tanh²(c_t)), then dc ← dc·f for step t−1;
 * da_i = dc·g·i(1−i), da_f = dc·c_{t−1}·f(1−f), da_o = dh_t·tanh(c_t)·o(1−o), da_g = dc·i·(1−g²)
 */
const backwardKernel = cellKernel(
  'lstm:backward-step',
  { inputs: ['dh', 'carry', 'gates', 'c', 'c0'], outputs: ['da', 'daStep', 'dc'] },
  4,
  `let ig = gates[a];
  let fg = gates[a + H];
  let og = gates[a + 2u * H];
  let gg = gates[a + 3u * H];
  ${PREV_C}
  let dhv = dh[s] + carry[i];
  let tc = tanh_(c[s]);
  let dcv = dc[i] + dhv * og * (1.0 - tc * tc);
  dc[i] = dcv * fg;
  put(a, ah, dcv * gg * ig * (1.0 - ig));
  put(a + H, ah + H, dcv * cp * fg * (1.0 - fg));
  put(a + 2u * H, ah + 2u * H, dhv * tc * og * (1.0 - og));
  put(a + 3u * H, ah + 3u * H, dcv * ig * (1.0 - gg * gg));`,
  'fn put(a: u32, ah: u32, v: f32) { da[a] = v; daStep[ah] = v; }',
);

export const lstmCell: Cell<LstmState, LstmBackwardState> = {
  gates: 4,
  forwardStep: (dims, t, { xw, hw, h, next }, { c0, c, gates }) => launchCell(forwardKernel, dims, t, { xw, hw, c0, h, c, gates, next }),
  backwardStep: (dims, t, { dh, carry, da, daStep }, { gates, c, c0, dc }) => launchCell(backwardKernel, dims, t, { dh, carry, gates, c, c0, da, daStep, dc }),
};

/** Cells and gates of a sequence starting from c0. */
export const lstmState = (gpu: Gpu, { N, T, H }: SequenceDims, c0: GpuTensor): LstmState => ({
  c0,
  c: zeros(gpu, [N, T, H]),
  gates: zeros(gpu, [N, T, 4 * H]),
});

/** The LSTM backward through time with `dc` the gradient of the last cell (updated in place; dc0 afterwards). */
export function lstmSequenceBackward(dh: GpuTensor, dc: GpuTensor, cache: SequenceCache<LstmState>) {
  return { ...recurrentBackward(lstmCell, dh, cache, { ...cache.state, dc }), dc0: dc };
}

export function lstmStepForward(x: GpuTensor, prev_h: GpuTensor, prev_c: GpuTensor, Wx: GpuTensor, Wh: GpuTensor, b: GpuTensor) {
  const { N, D, H } = validateLstmStep(x, prev_h, prev_c, Wx, Wh, b);
  const dims = { N, T: 1, D, H };
  const state = lstmState(x.gpu, dims, prev_c);
  const { h, cache } = recurrentForward(lstmCell, dims, { x: view(x, [N, 1, D]), h0: prev_h, Wx, Wh, b }, state);
  return { next_h: view(h, [N, H]), next_c: view(state.c, [N, H]), cache };
}

export function lstmStepBackward(dnext_h: GpuTensor, dnext_c: GpuTensor, cache: SequenceCache<LstmState>) {
  const { N, D, H } = cache.dims;
  requireGradShape('lstm_step', 'dnext_h', dnext_h, [N, H]);
  requireGradShape('lstm_step', 'dnext_c', dnext_c, [N, H]);
  const dc = map('lstm:copy', 'a', dnext_c); // the backward updates its dc in place; the caller's stays intact
  const { dx, dh0, dc0, dWx, dWh, db } = lstmSequenceBackward(view(dnext_h, [N, 1, H]), dc, cache);
  return { dx: view(dx, [N, D]), dprev_h: dh0, dprev_c: dc0, dWx, dWh, db };
}
