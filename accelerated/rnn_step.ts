import { requireGradShape } from '../reference/recurrent';
import { validateRnnStep } from '../reference/rnn_step';
import { view, type GpuTensor } from './runtime/buffers';
import { cellKernel, launchCell, recurrentBackward, recurrentForward, type Cell, type SequenceCache } from './recurrent';

/**
 * Twin of reference/rnn_step: the step is the T = 1 case of the sequence driver in recurrent.ts
 * (matmuls x·Wx + b and prev_h·Wh, then the fused tanh cell kernel; tiling there).
 */
const forwardKernel = cellKernel(
  'rnn:forward-step',
  { inputs: ['xw', 'hw'], outputs: ['h', 'next'] },
  1,
  `let v = tanh_(xw[a] + hw[ah]);
  h[s] = v;
  next[i] = v;`,
);

/** da_t = (dh[:, t] + carry)·(1 − h_t²) */
const backwardKernel = cellKernel(
  'rnn:backward-step',
  { inputs: ['dh', 'carry', 'h'], outputs: ['da', 'daStep'] },
  1,
  `let hv = h[s];
  let v = (dh[s] + carry[i]) * (1.0 - hv * hv);
  da[a] = v;
  daStep[ah] = v;`,
);

/** The vanilla RNN cell h_t = tanh(x_t·Wx + h_{t−1}·Wh + b): one gate block, no state of its own. */
export const rnnCell: Cell<null> = {
  gates: 1,
  forwardStep: (dims, t, { xw, hw, h, next }) => launchCell(forwardKernel, dims, t, { xw, hw, h, next }),
  backwardStep: (dims, t, { dh, carry, h, da, daStep }) => launchCell(backwardKernel, dims, t, { dh, carry, h, da, daStep }),
};

export function rnnStepForward(x: GpuTensor, prev_h: GpuTensor, Wx: GpuTensor, Wh: GpuTensor, b: GpuTensor) {
  const { N, D, H } = validateRnnStep(x, prev_h, Wx, Wh, b);
  const { h, cache } = recurrentForward(rnnCell, { N, T: 1, D, H }, { x: view(x, [N, 1, D]), h0: prev_h, Wx, Wh, b }, null);
  return { next_h: view(h, [N, H]), cache };
}

export function rnnStepBackward(dnext_h: GpuTensor, cache: SequenceCache<null>) {
  const { N, D, H } = cache.dims;
  requireGradShape('rnn_step', 'dnext_h', dnext_h, [N, H]);
  const { dx, dh0, dWx, dWh, db } = recurrentBackward(rnnCell, view(dnext_h, [N, 1, H]), cache, null);
  return { dx: view(dx, [N, D]), dprev_h: dh0, dWx, dWh, db };
}
