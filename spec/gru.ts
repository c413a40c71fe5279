import fc from 'fast-check';
import type { GruSizes } from '../reference/gru';
import { makeRng, randnTensor, type Rng } from '../reference/rng';
import { tensor, type Tensor, type Tensors } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { type CourseFunctions, courseImpl, type ErrorCase, type Sample, type OpDef } from './harness/op';
import { recurrentTolerance } from './recurrent';

/**
 * What the gru_forward and gru_forward_course rows share: inputs x (N, T, D), h0 (N, H), weight_ih
 * (3H, D), weight_hh (3H, H), bias_ih, bias_hh (3H) in PyTorch's layout (gate blocks r, z, n),
 * output h (N, T, H); random and edge cases, error inputs and the twin tolerance.
 */
export const GRU_INPUTS = ['x', 'h0', 'weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'] as const;

/**
 * Weights scaled by 1/√fan-in and biases by 0.5 keep the pre-activations O(1): the gates neither
 * saturate (gradients stay informative) nor lose float32 precision.
 */
export function gruTensors({ N, T, D, H }: GruSizes, rng: Rng): Tensors {
  return {
    x: randnTensor([N, T, D], rng),
    h0: randnTensor([N, H], rng),
    weight_ih: randnTensor([3 * H, D], rng, 1 / Math.sqrt(D)),
    weight_hh: randnTensor([3 * H, H], rng, 1 / Math.sqrt(H)),
    bias_ih: randnTensor([3 * H], rng, 0.5),
    bias_hh: randnTensor([3 * H], rng, 0.5),
  };
}

/** Short sequences (T from 1) mixed with long ones (T ≥ 10), H and D drawn independently, batches from 1. */
const gruSamples = (max: GruSizes): fc.Arbitrary<Sample> =>
  samples(fc.record({ N: dim(1, max.N), T: fc.oneof(dim(1, 4), dim(10, max.T)), D: dim(1, max.D), H: dim(1, max.H) }), (s, rng) => ({
    inputs: gruTensors(s, rng),
  }));

const fixed = (s: GruSizes, seed: number): Sample => makeSample(gruTensors(s, makeRng(seed)));

/** Batch 1 with H ≠ D, D = 1, T = 1, a long T = 12. */
const gruEdgeCases = (): Sample[] => [
  fixed({ N: 1, T: 3, D: 2, H: 5 }, 1),
  fixed({ N: 3, T: 2, D: 1, H: 2 }, 2),
  fixed({ N: 2, T: 1, D: 3, H: 2 }, 3),
  fixed({ N: 2, T: 12, D: 3, H: 4 }, 4),
];

/** Bad shapes (x rank, h0 batch, weight_ih columns vs D, weight_hh rows vs 3H, bias length) and NaN. */
function gruErrors(op: string): ErrorCase[] {
  const [N, T, D, H] = [2, 3, 3, 2];
  const ok = gruTensors({ N, T, D, H }, makeRng(7));
  const withInput = (name: string, t: Tensor) => makeSample({ ...ok, [name]: t });
  return [
    {
      title: 'x of the wrong rank',
      sample: withInput('x', tensor([N, D])),
      message: `${op}: x: expected rank 3, got rank 2 (shape [${N}, ${D}])`,
    },
    {
      title: 'h0 batch differs from x',
      sample: withInput('h0', tensor([N + 1, H])),
      message: `${op}: h0: expected shape [${N}, H] (N = ${N} from x), got [${N + 1}, ${H}]`,
    },
    {
      title: 'weight_ih columns differ from D',
      sample: withInput('weight_ih', tensor([3 * H, D + 1])),
      message: `${op}: weight_ih: expected shape [${3 * H}, ${D}] (3H = ${3 * H} from h0, D = ${D} from x), got [${3 * H}, ${D + 1}]`,
    },
    {
      title: 'weight_hh with 4H rows (an LSTM weight)',
      sample: withInput('weight_hh', tensor([4 * H, H])),
      message: `${op}: weight_hh: expected shape [${3 * H}, ${H}] (3H = ${3 * H} from h0, H = ${H} from h0), got [${4 * H}, ${H}]`,
    },
    {
      title: 'empty x (T = 0)',
      sample: withInput('x', tensor([N, 0, D])),
      message: `${op}: x: expected a non-empty tensor, got shape [${N}, 0, ${D}]`,
    },
    {
      title: 'h0 of rank 3',
      sample: withInput('h0', tensor([N, H, 1])),
      message: `${op}: h0: expected rank 2, got rank 3 (shape [${N}, ${H}, 1])`,
    },
    {
      title: 'empty h0 (H = 0)',
      sample: makeSample({ ...ok, h0: tensor([N, 0]), weight_ih: tensor([0, D]), weight_hh: tensor([0, 0]), bias_ih: tensor([0]), bias_hh: tensor([0]) }),
      message: `${op}: h0: expected a non-empty tensor, got shape [${N}, 0]`,
    },
    {
      title: 'bias_ih length differs',
      sample: withInput('bias_ih', tensor([3 * H - 1])),
      message: `${op}: bias_ih: expected shape [${3 * H}] (3H = ${3 * H} from h0), got [${3 * H - 1}]`,
    },
    {
      title: 'bias_hh length differs',
      sample: withInput('bias_hh', tensor([3 * H + 1])),
      message: `${op}: bias_hh: expected shape [${3 * H}] (3H = ${3 * H} from h0), got [${3 * H + 1}]`,
    },
    {
      title: 'NaN in weight_hh',
      sample: withInput(
        'weight_hh',
        tensor(
          [3 * H, H],
          Array.from({ length: 3 * H * H }, (_, i) => (i === H + 1 ? NaN : 0.1)),
        ),
      ),
      message: `${op}: weight_hh: expected finite values, got NaN at [1, 1]`,
    },
  ];
}

/** The op row of gru_forward or gru_forward_course. */
export function gruRow(id: string, impls: { reference: CourseFunctions; twin: CourseFunctions; validate: (...inputs: Tensor[]) => unknown }): OpDef {
  return {
    id,
    inputs: GRU_INPUTS.map((name) => ({ name, kind: 'float', differentiable: true })),
    outputs: ['h'],
    reference: courseImpl(GRU_INPUTS, ['h'], impls.reference.forward, impls.reference.backward),
    twin: courseImpl(GRU_INPUTS, ['h'], impls.twin.forward, impls.twin.backward),
    validate: (inputs) => void impls.validate(...GRU_INPUTS.map((n) => inputs[n])),
    sample: gruSamples({ N: 5, T: 12, D: 9, H: 9 }),
    gradSample: gruSamples({ N: 2, T: 12, D: 3, H: 3 }),
    edgeCases: gruEdgeCases(),
    errors: gruErrors(id),
    // float32 rounding grows with the longest sum: the weight gradients sum over all N·T steps.
    tolerance: recurrentTolerance,
  };
}
