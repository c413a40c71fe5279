import * as twin from '../accelerated/transformer_decoder_layer';
import { randnTensor } from '../reference/rng';
import { tensor, type Tensors } from '../reference/tensor';
import * as ref from '../reference/transformer_decoder_layer';
import { makeSample } from './harness/arbitraries';
import { maskInput } from './attention';
import { courseImpl, type OpDef } from './harness/op';
import { fixedWeights, LAYER_TOLERANCE, layerInputSpecs, layerSamples, layerWeightTensors, seq, streamTensor } from './transformer_layer';

const OP = 'transformer_decoder_layer';
const inputs = ref.DECODER_INPUTS;

/** tgt (N, T, E) with T = the drawn L, memory (N, S, E), tgt_mask (N, T, T) absent or random. */
const decoderSamples = (max: Parameters<typeof layerSamples>[0]) =>
  layerSamples(max, ({ N, L, S, heads, dh, F, mask }, rng) => ({
    tgt: streamTensor([N, L, heads * dh], rng),
    memory: randnTensor([N, S, heads * dh], rng),
    ...layerWeightTensors(heads * dh, F, ['self', 'cross'], rng),
    ...maskInput(mask, N, L, L, rng, false, 'tgt_mask'),
  }));

const E = 4;
const ok: Tensors = {
  tgt: tensor(
    [1, 3, E],
    seq(12, (i) => Math.sin(i)),
  ),
  memory: tensor(
    [1, 2, E],
    seq(8, (i) => Math.cos(i)),
  ),
  ...fixedWeights(inputs.slice(2, -1), E, 6),
};
const params = { num_heads: 2, dim_feedforward: 6 };
const causal = tensor([1, 3, 3], [0, 1, 1, 0, 0, 1, 0, 0, 0]);

export const transformer_decoder_layer: OpDef = {
  id: OP,
  inputs: layerInputSpecs(inputs),
  outputs: ['out'],
  reference: courseImpl(inputs, ['out'], ref.transformerDecoderLayerForward, ref.transformerDecoderLayerBackward),
  twin: courseImpl(inputs, ['out'], twin.transformerDecoderLayerForward, twin.transformerDecoderLayerBackward),
  validate: (t, p) => void ref.validateTransformerDecoderLayer(t, p),
  // Up to 2·12 rows and F up to 40: the 32-wide matmul tiles are crossed.
  sample: decoderSamples({ N: 2, L: 12, heads: 3, dh: 4, F: 40 }),
  gradSample: decoderSamples({ N: 2, L: 4, heads: 2, dh: 4, F: 6 }),
  edgeCases: [
    makeSample({ ...ok, tgt_mask: causal }, params),
    makeSample({ ...ok, tgt_mask: causal }, { ...params, norm_first: true }),
    // A coarse eps (0.1 against the default 1e-5) reaches every layer norm.
    makeSample(ok, { ...params, eps: 0.1 }),
    makeSample(ok, { ...params, num_heads: 1 }),
  ],
  errors: [
    { title: 'tgt of rank 2', sample: makeSample({ ...ok, tgt: tensor([3, E]) }, params), message: `${OP}: tgt: expected rank 3, got rank 2 (shape [3, 4])` },
    {
      title: 'memory embedding differs',
      sample: makeSample({ ...ok, memory: tensor([1, 2, 3]) }, params),
      message: `${OP}: memory: expected shape [1, S, 4] (N = 1, E = 4 from tgt), got [1, 2, 3]`,
    },
    {
      title: 'memory of rank 2',
      sample: makeSample({ ...ok, memory: tensor([2, E]) }, params),
      message: `${OP}: memory: expected rank 3, got rank 2 (shape [2, 4])`,
    },
    {
      title: 'empty memory',
      sample: makeSample({ ...ok, memory: tensor([1, 0, E]) }, params),
      message: `${OP}: memory: expected a non-empty tensor, got shape [1, 0, 4]`,
    },
    {
      title: 'dim_feedforward not a whole number',
      sample: makeSample(ok, { ...params, dim_feedforward: 5.5 }),
      message: `${OP}: dim_feedforward: expected an integer ≥ 1, got 5.5`,
    },
    {
      title: 'ln3_beta not (E)',
      sample: makeSample({ ...ok, ln3_beta: tensor([3]) }, params),
      message: `${OP}: ln3_beta: expected shape [4] (E = 4 from tgt), got [3]`,
    },
    {
      title: 'tgt_mask of the wrong length',
      sample: makeSample({ ...ok, tgt_mask: tensor([1, 3, 2]) }, params),
      message: `${OP}: tgt_mask: expected shape [1, 3, 3] (N = 1, T = 3 from tgt), got [1, 3, 2]`,
    },
    { title: 'num_heads missing', sample: makeSample(ok, { dim_feedforward: 6 }), message: `${OP}: num_heads: expected an integer ≥ 1, got undefined` },
    {
      title: 'cross_bv not (E)',
      sample: makeSample({ ...ok, cross_bv: tensor([3]) }, params),
      message: `${OP}: cross_bv: expected shape [4] (E = 4 from tgt), got [3]`,
    },
    { title: 'eps not positive', sample: makeSample(ok, { ...params, eps: 0 }), message: `${OP}: eps: expected a finite number > 0, got 0` },
    {
      title: 'NaN in memory',
      sample: makeSample(
        {
          ...ok,
          memory: tensor(
            [1, 2, E],
            seq(8, (i) => (i === 5 ? NaN : 0)),
          ),
        },
        params,
      ),
      message: `${OP}: memory: expected finite values, got NaN at [0, 1, 1]`,
    },
    {
      title: 'tgt_mask not 0/1',
      sample: makeSample({ ...ok, tgt_mask: tensor([1, 3, 3], [0, 2, 0, 0, 0, 0, 0, 0, 0]) }, params),
      message: `${OP}: tgt_mask: expected 0 or 1, got 2 at [0, 0, 1]`,
    },
  ],
  tolerance: LAYER_TOLERANCE,
};
