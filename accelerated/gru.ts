import { validateGru, type GruOptions, type GruSizes } from '../reference/gru';
import { requireGradShape } from '../reference/recurrent';
import { zeros, view, type GpuTensor } from './runtime/buffers';
import { map } from './runtime/elementwise';
import { matmul } from './runtime/matmul';
import { pointwise } from './runtime/pointwise';
import { cellKernel, launchCell, shiftedStates } from './recurrent';
import { columnSums } from './runtime/reduce';
import { scope, scopedSteps } from './runtime/scope';

/**
 * Twin of reference/gru.ts (gru_forward and gru_forward_course), on the device end to end.
 *
 * Forward: gi = x·W_ihᵀ + b_ih for all steps in one matmul over x viewed as (N·T, D); per step one
 * matmul gh = h_{t−1}·W_hhᵀ + b_hh (N, 3H) and one fused cell kernel (r, z, n, h_t). The course form
 * needs r before its hidden matmul: a reset kernel writes hn = r·h_{t−1}, and a second matmul
 * hn·W_hhᵀ + b_hh supplies the n block (its r, z blocks are unused).
 *
 * Backward through time: per step a cell kernel turns dh[:, t] plus the carried gradient into the
 * gate gradients on the input side (dgi, (N, T, 3H)) and the hidden side (dgh), and one matmul
 * dgh_t·W_hh carries them to step t−1; the direct term dh_t·z goes through a (N, H) buffer the next
 * step's kernel adds in. The course form first carries da_n back through W_hn (a matmul), then a
 * reset kernel finishes da_r. Parameter gradients are whole-sequence matmuls afterwards:
 * dx = dgi·W_ih, dW_ih = dgiᵀ·x, dW_hh = dghᵀ·h_prev (rows of the n block: dghᵀ·hn), biases = column sums.
 *
 * Cell kernels: one invocation per hidden unit (n, j), all three gates of the unit in it; no
 * workgroup memory (grid1d over N·H). The time loop only dispatches: nothing is read back.
 */
export interface GruState {
  /** activated gates r, z, n of every step, (N, T, 3H) */
  gates: GpuTensor;
  /** W_hn·hn + b_hn of every step, (N, T, H) */
  ghn: GpuTensor;
  /** course form only: hn = r·h_{t−1} of every step, (N, T, H) */
  hn?: GpuTensor;
}

export interface GruTwinCache {
  options: GruOptions;
  sizes: GruSizes;
  x: GpuTensor;
  h0: GpuTensor;
  weight_ih: GpuTensor;
  weight_hh: GpuTensor;
  h: GpuTensor;
  state: GruState;
}

const GATES = 3;
const RZ = `let r = sigmoid(gi[a] + gh[ah]);
  let z = sigmoid(gi[a + H] + gh[ah + H]);`;

/** course: hn = r·h_{t−1} (into the sequence and a contiguous (N, H) copy for the matmul) */
const resetKernel = cellKernel(
  'gru:reset',
  { inputs: ['gi', 'gh', 'prev'], outputs: ['hn', 'hnStep'] },
  GATES,
  `let r = sigmoid(gi[a] + gh[ah]);
  let v = r * prev[i];
  hn[s] = v;
  hnStep[i] = v;`,
);

/** n = tanh(gi_n + r·ghn_n) (PyTorch) or tanh(gi_n + ghn_n) (course); h_t = (1 − z)·n + z·h_{t−1} */
const forwardKernel = (resetBeforeMatmul: boolean) =>
  cellKernel(
    'gru:forward-step',
    { inputs: ['gi', 'gh', 'ghnStep', 'prev'], outputs: ['gates', 'ghn', 'h', 'next'] },
    GATES,
    `${RZ}
  let g = ghnStep[ah + 2u * H];
  let nv = tanh_(gi[a + 2u * H] + ${resetBeforeMatmul ? 'g' : 'r * g'});
  let hv = (1.0 - z) * nv + z * prev[i];
  gates[a] = r; gates[a + H] = z; gates[a + 2u * H] = nv;
  ghn[s] = g;
  h[s] = hv;
  next[i] = hv;`,
  );

/**
 * dh_t = dh[:, t] + carry + direct;  direct ← dh_t·z;  dz = dh_t·(h_{t−1} − n);  da_n = dh_t·(1−z)·(1 − n²)
 * PyTorch: dghn = da_n·r, da_r = da_n·ghn·r(1−r), all three hidden-side blocks go to dghStep.
 * course: dghn = da_n goes to dnStep alone (it multiplies hn, not h_{t−1}); da_r waits for the reset kernel.
 */
const backwardKernel = (resetBeforeMatmul: boolean) =>
  cellKernel(
    'gru:backward-step',
    {
      inputs: ['dh', 'carry', 'gates', ...(resetBeforeMatmul ? [] : ['ghn']), 'hPrev'],
      outputs: ['direct', 'dgi', 'dgh', 'dghStep', ...(resetBeforeMatmul ? ['dnStep'] : [])],
    },
    GATES,
    `let r = gates[a];
  let z = gates[a + H];
  let nv = gates[a + 2u * H];
  let d = dh[s] + carry[i] + direct[i];
  direct[i] = d * z;
  let dan = d * (1.0 - z) * (1.0 - nv * nv);
  let daz = d * (hPrev[s] - nv) * z * (1.0 - z);
  dgi[a + H] = daz; dgh[a + H] = daz; dghStep[ah + H] = daz;
  dgi[a + 2u * H] = dan;
  ${
    resetBeforeMatmul
      ? 'dgh[a + 2u * H] = dan; dnStep[ah + 2u * H] = dan;'
      : `let dar = dan * ghn[s] * r * (1.0 - r);
  dgi[a] = dar; dgh[a] = dar; dghStep[ah] = dar;
  dgh[a + 2u * H] = dan * r; dghStep[ah + 2u * H] = dan * r;`
  }`,
  );

/** course: dhn = da_n·W_hn;  da_r = dhn·h_{t−1}·r(1−r);  direct += dhn·r */
const resetBackwardKernel = cellKernel(
  'gru:reset-backward',
  { inputs: ['dhn', 'gates', 'hPrev'], outputs: ['direct', 'dgi', 'dgh', 'dghStep'] },
  GATES,
  `let r = gates[a];
  let dar = dhn[i] * hPrev[s] * r * (1.0 - r);
  dgi[a] = dar; dgh[a] = dar; dghStep[ah] = dar;
  direct[i] = direct[i] + dhn[i] * r;`,
);

function gruTwinForward(
  options: GruOptions,
  sizes: GruSizes,
  x: GpuTensor,
  h0: GpuTensor,
  weight_ih: GpuTensor,
  weight_hh: GpuTensor,
  bias_ih: GpuTensor,
  bias_hh: GpuTensor,
): { h: GpuTensor; cache: GruTwinCache } {
  const { N, T, D, H } = sizes;
  const course = options.resetBeforeMatmul;
  const gpu = x.gpu;
  const hidden = (v: GpuTensor) => matmul(v, weight_hh, { transB: true, bias: bias_hh });
  return scope(() => {
    const gi = view(matmul(view(x, [N * T, D]), weight_ih, { transB: true, bias: bias_ih }), [N, T, GATES * H]);
    const h = zeros(gpu, [N, T, H]);
    const state: GruState = { gates: zeros(gpu, [N, T, GATES * H]), ghn: zeros(gpu, [N, T, H]), hn: course ? zeros(gpu, [N, T, H]) : undefined };
    scopedSteps(h0, T, (prev, t) => {
      const gh = hidden(prev);
      let ghnStep = gh;
      if (state.hn) {
        const hnStep = zeros(gpu, [N, H]);
        launchCell(resetKernel, sizes, t, { gi, gh, prev, hn: state.hn, hnStep });
        ghnStep = hidden(hnStep);
      }
      const next = zeros(gpu, [N, H]);
      launchCell(forwardKernel(course), sizes, t, { gi, gh, ghnStep, prev, gates: state.gates, ghn: state.ghn, h, next });
      return next;
    });
    return { h, cache: { options, sizes, x, h0, weight_ih, weight_hh, h, state } };
  });
}

function gruTwinBackward(dh: GpuTensor, cache: GruTwinCache) {
  const { options, sizes, x, h0, weight_ih, weight_hh, h, state } = cache;
  const { N, T, D, H } = sizes;
  requireGradShape(options.op, 'dh', dh, [N, T, H]);
  const G = GATES * H;
  const gpu = x.gpu;
  return scope(() => {
    const hPrev = shiftedStates(h, h0, sizes);
    const [dgi, dgh] = [zeros(gpu, [N, T, G]), zeros(gpu, [N, T, G])];
    const direct = zeros(gpu, [N, H]); // zero-initialized, like the first carry
    const carried = scopedSteps(zeros(gpu, [N, H]), T, (carry, i) => {
      const t = T - 1 - i;
      const [dghStep, dnStep] = [zeros(gpu, [N, G]), zeros(gpu, [N, G])];
      // ghn only for PyTorch's da_r, dnStep only for the course's matmul.
      const form: Record<string, GpuTensor> = options.resetBeforeMatmul ? { dnStep } : { ghn: state.ghn };
      launchCell(backwardKernel(options.resetBeforeMatmul), sizes, t, { dh, carry, gates: state.gates, hPrev, direct, dgi, dgh, dghStep, ...form });
      if (options.resetBeforeMatmul) {
        const dhn = matmul(dnStep, weight_hh); // da_n·W_hn (the other blocks of dnStep are 0)
        launchCell(resetBackwardKernel, sizes, t, { dhn, gates: state.gates, hPrev, direct, dgi, dgh, dghStep });
      }
      return matmul(dghStep, weight_hh);
    });
    const [dgi2d, dgh2d] = [view(dgi, [N * T, G]), view(dgh, [N * T, G])];
    const hPrev2d = view(hPrev, [N * T, H]);
    return {
      dx: view(matmul(dgi2d, weight_ih), [N, T, D]),
      dh0: map('gru:add', 'a + b', carried, direct),
      dweight_ih: matmul(dgi2d, view(x, [N * T, D]), { transA: true }),
      dweight_hh: hiddenWeightGrad(dgh2d, hPrev2d, state.hn && view(state.hn, [N * T, H])),
      dbias_ih: columnSums(dgi2d),
      dbias_hh: columnSums(dgh2d),
    };
  });
}

/** dW_hh = dghᵀ·h_prev, except the n block's rows dghᵀ·hn when the course form's hn differs from h_prev. */
function hiddenWeightGrad(dgh: GpuTensor, hPrev: GpuTensor, hn: GpuTensor | undefined): GpuTensor {
  return scope(() => {
    const rz = matmul(dgh, hPrev, { transA: true });
    if (!hn) return rz;
    const nRows = matmul(dgh, hn, { transA: true });
    const H = hPrev.shape[1];
    return pointwise(dgh.gpu, {
      name: 'gru:hidden-weight-rows',
      inputs: { rz, nRows },
      outputs: { out: { shape: rz.shape } },
      uniforms: { split: ['u32', 2 * H * H] },
      count: GATES * H * H,
      body: 'out[i] = select(nRows[i], rz[i], i < split);',
    }).out;
  });
}

/** The exported forward and backward of one GRU op's twin (gru_forward, gru_forward_course): its checks, then the kernels above. */
export function gruTwinOp(options: GruOptions) {
  return {
    forward: (x: GpuTensor, h0: GpuTensor, weight_ih: GpuTensor, weight_hh: GpuTensor, bias_ih: GpuTensor, bias_hh: GpuTensor) =>
      gruTwinForward(options, validateGru(options.op, x, h0, weight_ih, weight_hh, bias_ih, bias_hh), x, h0, weight_ih, weight_hh, bias_ih, bias_hh),
    backward: (dh: GpuTensor, cache: GruTwinCache) => gruTwinBackward(dh, cache),
  };
}
