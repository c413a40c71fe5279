import * as twin from '../accelerated/transformer_encoder_layer';
import { tensor, type Tensors } from '../reference/tensor';
import * as ref from '../reference/transformer_encoder_layer';
import { makeSample } from './harness/arbitraries';
import { maskInput } from './attention';
import { courseImpl, type OpDef } from './harness/op';
import { fixedWeights, LAYER_TOLERANCE, layerInputSpecs, layerSamples, layerWeightTensors, seq, streamTensor } from './transformer_layer';

const OP = 'transformer_encoder_layer';
const inputs = ref.ENCODER_INPUTS;

const encoderSamples = (max: Parameters<typeof layerSamples>[0]) =>
  layerSamples(max, ({ N, L, heads, dh, F, mask }, rng) => ({
    x: streamTensor([N, L, heads * dh], rng),
    ...layerWeightTensors(heads * dh, F, ['self'], rng),
    ...maskInput(mask, N, L, L, rng, false, 'src_mask'),
  }));

const E = 4;
const ok: Tensors = {
  x: tensor(
    [1, 3, E],
    seq(12, (i) => Math.sin(i)),
  ),
  ...fixedWeights(inputs.slice(1, -1), E, 6),
};
const params = { num_heads: 2, dim_feedforward: 6 };

export const transformer_encoder_layer: OpDef = {
  id: OP,
  inputs: layerInputSpecs(inputs),
  outputs: ['out'],
  reference: courseImpl(inputs, ['out'], ref.transformerEncoderLayerForward, ref.transformerEncoderLayerBackward),
  twin: courseImpl(inputs, ['out'], twin.transformerEncoderLayerForward, twin.transformerEncoderLayerBackward),
  validate: (t, p) => void ref.validateTransformerEncoderLayer(t, p),
  // Up to 2·12 rows and F up to 40: the 32-wide matmul tiles are crossed.
  sample: encoderSamples({ N: 2, L: 12, heads: 3, dh: 4, F: 40 }),
  gradSample: encoderSamples({ N: 2, L: 4, heads: 2, dh: 4, F: 6 }),
  edgeCases: [
    makeSample(ok, params),
    makeSample(ok, { ...params, norm_first: true }),
    makeSample({ ...ok, src_mask: tensor([1, 3, 3], [0, 1, 1, 0, 0, 1, 0, 0, 0]) }, { ...params, num_heads: 1 }),
  ],
  errors: [
    { title: 'x of rank 2', sample: makeSample({ ...ok, x: tensor([3, E]) }, params), message: `${OP}: x: expected rank 3, got rank 2 (shape [3, 4])` },
    {
      title: 'E not divisible by num_heads',
      sample: makeSample(ok, { ...params, num_heads: 3 }),
      message: `${OP}: num_heads: expected a divisor of E = 4, got 3`,
    },
    {
      title: 'W1 not (E, dim_feedforward)',
      sample: makeSample(ok, { ...params, dim_feedforward: 5 }),
      message: `${OP}: W1: expected shape [4, 5] (E = 4 from x, F = 5 from dim_feedforward), got [4, 6]`,
    },
    {
      title: 'self_Wk not (E, E)',
      sample: makeSample({ ...ok, self_Wk: tensor([E, 2]) }, params),
      message: `${OP}: self_Wk: expected shape [4, 4] (E = 4 from x), got [4, 2]`,
    },
    { title: 'norm_first not a boolean', sample: makeSample(ok, { ...params, norm_first: 1 }), message: `${OP}: norm_first: expected true or false, got 1` },
    {
      title: 'NaN in ln2_gamma',
      sample: makeSample({ ...ok, ln2_gamma: tensor([E], [1, NaN, 1, 1]) }, params),
      message: `${OP}: ln2_gamma: expected finite values, got NaN at [1]`,
    },
    {
      title: 'src_mask of the wrong length',
      sample: makeSample({ ...ok, src_mask: tensor([1, 3, 2]) }, params),
      message: `${OP}: src_mask: expected shape [1, 3, 3] (N = 1, S = 3 from x), got [1, 3, 2]`,
    },
    {
      title: 'fully masked query row',
      sample: makeSample({ ...ok, src_mask: tensor([1, 3, 3], [1, 1, 1, 0, 0, 0, 0, 0, 0]) }, params),
      message: `${OP}: src_mask: expected at least one unmasked key in every query row, got every key masked in query row [0, 0]`,
    },
  ],
  tolerance: LAYER_TOLERANCE,
};
