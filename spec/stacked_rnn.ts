import fc from 'fast-check';
import * as twin from '../accelerated/stacked_rnn';
import { makeRng, randnTensor, type Rng } from '../reference/rng';
import * as ref from '../reference/stacked_rnn';
import { tensor, type Tensor, type Tensors } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type Sample, type OpDef } from './harness/op';
import { scaledAtol, TWIN_TOLERANCE } from './harness/tolerance';

/**
 * stacked_rnn: multi-layer / bidirectional rnn_forward, lstm_forward or gru_forward, as nn.RNN,
 * nn.LSTM, nn.GRU (batch_first) stack them. Params cell ('rnn' | 'lstm' | 'gru', required),
 * num_layers (default 1), bidirectional (default false). Inputs x (N, T, D), h0 (num_layers·dirs, N, H)
 * (entry l·dirs + d), weights: one flat vector holding, per layer and direction (forward, then
 * reverse), the cell op's own weights row-major in its input order (rnn/lstm: Wx (D_l, G), Wh (H, G),
 * b (G), lstm gates i, f, o, g; gru: weight_ih (3H, D_l), weight_hh, bias_ih, bias_hh as nn.GRU, so
 * parameters_to_vector(nn.GRU(…).parameters()) is gru's vector); D_0 = D, D_l = dirs·H. Output
 * h (N, T, dirs·H): the last layer's states, forward direction in [0, H), reverse in [H, 2H).
 */
const io = [['x', 'h0', 'weights'], ['h']] as const;

interface Drawn {
  cell: ref.CellName;
  num_layers: number;
  bidirectional: boolean;
  N: number;
  T: number;
  D: number;
  H: number;
}

/**
 * Weights scaled by 1/√fan-in (input weights by the layer's input size, hidden ones by H), biases by
 * 0.5: pre-activations stay O(1), so gates neither saturate nor lose float32 precision.
 */
function stackedTensors({ cell, num_layers, bidirectional, N, T, D, H }: Drawn, rng: Rng): Tensors {
  const dirs = bidirectional ? 2 : 1;
  const layout = ref.stackedLayout(cell, num_layers, dirs, N, T, D, H);
  const x = randnTensor([N, T, D], rng);
  const h0 = randnTensor([num_layers * dirs, N, H], rng);
  const weights = tensor([layout.size]);
  for (const dir of layout.layers.flat()) {
    for (const slot of dir.weights) {
      const fanIn = slot.name === 'Wx' || slot.name === 'weight_ih' ? dir.inputSize : H;
      const scale = slot.shape.length === 1 ? 0.5 : 1 / Math.sqrt(fanIn);
      weights.data.set(randnTensor(slot.shape, rng, scale).data, slot.offset);
    }
  }
  return { x, h0, weights };
}

const paramsOf = ({ cell, num_layers, bidirectional }: Drawn) => ({ cell, num_layers, bidirectional });

/** Every cell, 1 to maxLayers layers, both directions; short (T from 1) and long (T ≥ 10) sequences, H ≠ D mostly, batch from 1. */
const stackedSamples = (max: { layers: number; N: number; T: number; D: number; H: number }): fc.Arbitrary<Sample> =>
  samples(
    fc.record({
      cell: fc.constantFrom(...ref.CELLS),
      num_layers: dim(1, max.layers),
      bidirectional: fc.boolean(),
      N: dim(1, max.N),
      T: fc.oneof(dim(1, 4), dim(10, max.T)),
      D: dim(1, max.D),
      H: dim(1, max.H),
    }),
    (drawn, rng) => ({ inputs: stackedTensors(drawn, rng), params: paramsOf(drawn) }),
  );

const fixed = (drawn: Drawn, seed: number): Sample => makeSample(stackedTensors(drawn, makeRng(seed)), paramsOf(drawn));

/** nn.*(num_layers=2, bidirectional=True) for each cell; T = 1; a long T = 12; batch 1 with three layers and H ≠ D. */
const edgeCases: Sample[] = [
  ...ref.CELLS.map((cell, k) => fixed({ cell, num_layers: 2, bidirectional: true, N: 2, T: 3, D: 3, H: 2 }, 1 + k)),
  fixed({ cell: 'gru', num_layers: 1, bidirectional: true, N: 2, T: 1, D: 2, H: 3 }, 4),
  fixed({ cell: 'lstm', num_layers: 2, bidirectional: false, N: 2, T: 12, D: 3, H: 4 }, 5),
  fixed({ cell: 'rnn', num_layers: 3, bidirectional: true, N: 1, T: 4, D: 2, H: 5 }, 6),
  // num_layers and bidirectional left out: one layer, one direction by default.
  makeSample(stackedTensors({ cell: 'gru', num_layers: 1, bidirectional: false, N: 2, T: 3, D: 2, H: 3 }, makeRng(8)), { cell: 'gru' }),
];

const OK: Drawn = { cell: 'lstm', num_layers: 2, bidirectional: true, N: 2, T: 3, D: 3, H: 2 };
const okTensors = stackedTensors(OK, makeRng(7));
const okSize = okTensors.weights.shape[0];
const oneWaySize = ref.stackedLayout('lstm', 2, 1, 2, 3, 3, 2).size;
const withInput = (name: string, t: Tensor, params: object = paramsOf(OK)) => makeSample({ ...okTensors, [name]: t }, { ...params });
const nanWeights = tensor(
  [okSize],
  Array.from({ length: okSize }, (_, i) => (i === 5 ? NaN : 0.1)),
);

export const stacked_rnn: OpDef = {
  id: 'stacked_rnn',
  inputs: io[0].map((name) => ({ name, kind: 'float', differentiable: true })),
  outputs: io[1],
  reference: courseImpl(...io, ref.stackedRnnForward, ref.stackedRnnBackward),
  twin: courseImpl(...io, twin.stackedRnnForward, twin.stackedRnnBackward),
  validate: ({ x, h0, weights }, params) => void ref.validateStackedRnn(x, h0, weights, params),
  sample: stackedSamples({ layers: 3, N: 4, T: 12, D: 7, H: 7 }),
  gradSample: stackedSamples({ layers: 2, N: 2, T: 11, D: 3, H: 3 }),
  edgeCases,
  errors: [
    {
      title: 'x of the wrong rank',
      sample: withInput('x', tensor([2, 3])),
      message: 'stacked_rnn: x: expected rank 3, got rank 2 (shape [2, 3])',
    },
    { title: 'empty x', sample: withInput('x', tensor([2, 0, 3])), message: 'stacked_rnn: x: expected a non-empty tensor, got shape [2, 0, 3]' },
    { title: 'h0 of rank 2', sample: withInput('h0', tensor([4, 2])), message: 'stacked_rnn: h0: expected rank 3, got rank 2 (shape [4, 2])' },
    { title: 'empty h0', sample: withInput('h0', tensor([4, 2, 0])), message: 'stacked_rnn: h0: expected a non-empty tensor, got shape [4, 2, 0]' },
    {
      title: 'h0 with one entry per layer, not per layer and direction',
      sample: withInput('h0', tensor([2, 2, 2])),
      message: 'stacked_rnn: h0: expected shape [4, 2, H] (num_layers·directions = 4, N = 2 from x), got [2, 2, 2]',
    },
    {
      title: 'bidirectional weights with bidirectional false',
      sample: withInput('h0', tensor([2, 2, 2]), { ...paramsOf(OK), bidirectional: false }),
      message: `stacked_rnn: weights: expected shape [${oneWaySize}] (lstm weights of 2 layer(s) × 1 direction(s), D = 3, H = 2), got [${okSize}]`,
    },
    {
      title: 'weights of the wrong length',
      sample: withInput('weights', tensor([okSize - 1])),
      message: `stacked_rnn: weights: expected shape [${okSize}] (lstm weights of 2 layer(s) × 2 direction(s), D = 3, H = 2), got [${okSize - 1}]`,
    },
    {
      title: 'unknown cell',
      sample: withInput('x', okTensors.x, { ...paramsOf(OK), cell: 'transformer' }),
      message: 'stacked_rnn: cell: expected "rnn", "lstm" or "gru", got "transformer"',
    },
    {
      title: 'num_layers 0',
      sample: withInput('x', okTensors.x, { ...paramsOf(OK), num_layers: 0 }),
      message: 'stacked_rnn: num_layers: expected an integer ≥ 1, got 0',
    },
    {
      title: 'bidirectional not a boolean',
      sample: withInput('x', okTensors.x, { ...paramsOf(OK), bidirectional: 'yes' }),
      message: 'stacked_rnn: bidirectional: expected true or false, got "yes"',
    },
    {
      title: 'NaN in weights',
      sample: withInput('weights', nanWeights),
      message: 'stacked_rnn: weights: expected finite values, got NaN at [5]',
    },
  ],
  // float32 rounding grows with the longest sums: weight gradients over N·T steps, through every layer and direction.
  tolerance: ({ inputs: { x, h0 } }) => scaledAtol(TWIN_TOLERANCE, x.shape[0] * x.shape[1] * h0.shape[0]),
};
