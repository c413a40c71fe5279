import fc from 'fast-check';
import { makeRng, randnTensor, type Rng } from '../reference/rng';
import { tensor, type Tensor, type Tensors } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { type CourseFunctions, courseImpl, type ErrorCase, type InputSpec, type Sample, type OpDef } from './harness/op';
import { scaledAtol, TWIN_TOLERANCE, type Tolerance } from './harness/tolerance';

/**
 * What the rnn and lstm rows share: inputs, random cases, edge cases, error inputs and the twin
 * tolerance. `cell` picks the gate count (rnn 1, lstm 4) and state names; `mode` is a single step
 * (x (N, D), prev_h[, prev_c]) or a sequence (x (N, T, D), h0).
 */
export type CellKind = 'rnn' | 'lstm';
export type Mode = 'step' | 'sequence';

const GATES: Record<CellKind, number> = { rnn: 1, lstm: 4 };

const stateNames = (cell: CellKind, mode: Mode): string[] => (mode === 'sequence' ? ['h0'] : cell === 'lstm' ? ['prev_h', 'prev_c'] : ['prev_h']);

export const recurrentInputNames = (cell: CellKind, mode: Mode): string[] => ['x', ...stateNames(cell, mode), 'Wx', 'Wh', 'b'];

export const recurrentInputs = (cell: CellKind, mode: Mode): InputSpec[] =>
  recurrentInputNames(cell, mode).map((name) => ({ name, kind: 'float', differentiable: true }));

interface Sizes {
  N: number;
  T: number;
  D: number;
  H: number;
}

/**
 * Inputs in the row's order. Weights are scaled by 1/√fan-in and the bias by 0.5 so pre-activations
 * stay O(1): the gates neither saturate (gradients stay informative) nor lose float32 precision.
 */
function recurrentTensors(cell: CellKind, mode: Mode, { N, T, D, H }: Sizes, rng: Rng): Tensors {
  const G = GATES[cell] * H;
  const inputs: Tensors = { x: randnTensor(mode === 'step' ? [N, D] : [N, T, D], rng) };
  for (const name of stateNames(cell, mode)) inputs[name] = randnTensor([N, H], rng);
  inputs.Wx = randnTensor([D, G], rng, 1 / Math.sqrt(D));
  inputs.Wh = randnTensor([H, G], rng, 1 / Math.sqrt(H));
  inputs.b = randnTensor([G], rng, 0.5);
  return inputs;
}

const sizes = (maxN: number, T: fc.Arbitrary<number>, maxD: number, maxH: number) => fc.record({ N: dim(1, maxN), T, D: dim(1, maxD), H: dim(1, maxH) });

/**
 * Random cases: sequences mix short ones (T from 1) with long ones (T ≥ 10), H and D drawn
 * independently (mostly different), batches from 1.
 */
export function recurrentSamples(cell: CellKind, mode: Mode, max: { N: number; D: number; H: number; T: number }): fc.Arbitrary<Sample> {
  const T = mode === 'step' ? fc.constant(1) : fc.oneof(dim(1, 4), dim(10, max.T));
  return samples(sizes(max.N, T, max.D, max.H), (s, rng) => ({ inputs: recurrentTensors(cell, mode, s, rng) }));
}

const fixed = (cell: CellKind, mode: Mode, s: Sizes, seed: number): Sample => makeSample(recurrentTensors(cell, mode, s, makeRng(seed)));

/** Batch 1 with H ≠ D; D = 1; for sequences T = 1 and a long T = 12. */
export function recurrentEdgeCases(cell: CellKind, mode: Mode): Sample[] {
  const cases = [fixed(cell, mode, { N: 1, T: 3, D: 2, H: 5 }, 1), fixed(cell, mode, { N: 3, T: 2, D: 1, H: 2 }, 2)];
  if (mode === 'sequence') {
    cases.push(fixed(cell, mode, { N: 2, T: 1, D: 3, H: 2 }, 3), fixed(cell, mode, { N: 2, T: 12, D: 3, H: 4 }, 4));
  }
  return cases;
}

/**
 * float32 rounding grows with the longest sum the twin does: dWx, dWh and db sum over all N·T
 * (sample, step) pairs, and the carried gradient accumulates over T steps.
 */
export function recurrentTolerance({ inputs: { x } }: Sample): Tolerance {
  const steps = x.shape.length === 3 ? x.shape[0] * x.shape[1] : x.shape[0];
  return scaledAtol(TWIN_TOLERANCE, steps);
}

/** Bad shapes (x rank, Wx rows vs D, Wx columns vs H, Wh not H×G, b length, state batch) and NaN. */
export function recurrentErrors(op: string, cell: CellKind, mode: Mode): ErrorCase[] {
  const g = GATES[cell];
  const [N, T, D, H] = [2, 3, 3, 2];
  const G = g * H;
  const gName = g === 1 ? 'H' : `${g}H`;
  const [h] = stateNames(cell, mode);
  const ok = recurrentTensors(cell, mode, { N, T, D, H }, makeRng(7));
  const xShape = mode === 'step' ? [N, D] : [N, T, D];
  const withInput = (name: string, shape: number[]) => makeSample({ ...ok, [name]: tensor(shape) });
  const emptyX = [...xShape.slice(0, -1), 0];
  const errors: ErrorCase[] = [
    {
      title: 'x of the wrong rank',
      sample: withInput('x', [N, T, D, 1].slice(0, xShape.length + 1)),
      message: `${op}: x: expected rank ${xShape.length}, got rank ${xShape.length + 1} (shape [${[N, T, D, 1].slice(0, xShape.length + 1).join(', ')}])`,
    },
    {
      title: 'empty x',
      sample: withInput('x', emptyX),
      message: `${op}: x: expected a non-empty tensor, got shape [${emptyX.join(', ')}]`,
    },
    {
      title: `${h} batch differs from x`,
      sample: withInput(h, [N + 1, H]),
      message: `${op}: ${h}: expected shape [${N}, H] (N = ${N} from x), got [${N + 1}, ${H}]`,
    },
    {
      title: 'Wx rows differ from D',
      sample: withInput('Wx', [D + 1, G]),
      message: `${op}: Wx: expected shape [${D}, ${G}] (D = ${D} from x, ${gName} = ${G} from ${h}), got [${D + 1}, ${G}]`,
    },
    {
      title: `Wx columns differ from ${gName}`,
      sample: withInput('Wx', [D, G + 1]),
      message: `${op}: Wx: expected shape [${D}, ${G}] (D = ${D} from x, ${gName} = ${G} from ${h}), got [${D}, ${G + 1}]`,
    },
    {
      title: `Wh not H×${gName}`,
      sample: withInput('Wh', [H + 1, G]),
      message: `${op}: Wh: expected shape [${H}, ${G}] (H = ${H} from ${h}), got [${H + 1}, ${G}]`,
    },
    {
      title: 'b length differs',
      sample: withInput('b', [G + 1]),
      message: `${op}: b: expected shape [${G}] (${gName} = ${G} from ${h}), got [${G + 1}]`,
    },
    {
      title: 'NaN in Wh',
      sample: makeSample({
        ...ok,
        Wh: tensor(
          [H, G],
          Array.from({ length: H * G }, (_, i) => (i === G + 1 ? NaN : 0.1)),
        ),
      }),
      message: `${op}: Wh: expected finite values, got NaN at [1, 1]`,
    },
  ];
  if (cell === 'lstm' && mode === 'step') {
    errors.push({
      title: 'prev_c shape differs from prev_h',
      sample: withInput('prev_c', [N, H + 1]),
      message: `${op}: prev_c: expected shape [${N}, ${H}] (N = ${N} from x, H = ${H} from prev_h), got [${N}, ${H + 1}]`,
    });
  }
  return errors;
}

/** The op row of rnn_step, rnn_forward, lstm_step or lstm_forward. */
export function recurrentRow(
  id: string,
  cell: CellKind,
  mode: Mode,
  impls: { reference: CourseFunctions; twin: CourseFunctions; validate: (...inputs: Tensor[]) => unknown },
): OpDef {
  const names = recurrentInputNames(cell, mode);
  const outputs = mode === 'sequence' ? ['h'] : cell === 'lstm' ? ['next_h', 'next_c'] : ['next_h'];
  const T = mode === 'sequence' ? 12 : 1;
  return {
    id,
    inputs: recurrentInputs(cell, mode),
    outputs,
    // Every output is differentiated: the LSTM step's backward takes dnext_h and dnext_c.
    gradOutputs: outputs,
    reference: courseImpl(names, outputs, impls.reference.forward, impls.reference.backward, outputs),
    twin: courseImpl(names, outputs, impls.twin.forward, impls.twin.backward, outputs),
    validate: (inputs) => void impls.validate(...names.map((n) => inputs[n])),
    sample: recurrentSamples(cell, mode, { N: 5, D: 9, H: 9, T }),
    gradSample: recurrentSamples(cell, mode, { N: 2, D: 3, H: 3, T }),
    edgeCases: recurrentEdgeCases(cell, mode),
    errors: recurrentErrors(id, cell, mode),
    tolerance: recurrentTolerance,
  };
}
