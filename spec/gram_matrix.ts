import fc from 'fast-check';
import * as twin from '../accelerated/gram_matrix';
import * as ref from '../reference/gram_matrix';
import { makeRng, randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';
import { scaledAtol, TWIN_TOLERANCE } from './harness/tolerance';

const io = [['features'], ['out']] as const;

/** Batches 1–3, non-square maps, both normalizations; N·C and H·W multiples of 4 at times (the matmul vec4 path). */
const gramSamples = (maxN: number, maxC: number, maxHW: number) =>
  samples(fc.record({ N: dim(1, maxN), C: dim(1, maxC), H: dim(1, maxHW), W: dim(1, maxHW), normalize: fc.boolean() }), ({ N, C, H, W, normalize }, rng) => ({
    inputs: { features: randnTensor([N, C, H, W], rng) },
    params: { normalize },
  }));

export const gram_matrix: OpDef = {
  id: 'gram_matrix',
  inputs: [{ name: 'features', kind: 'float', differentiable: true }],
  outputs: ['out'],
  reference: courseImpl(...io, ref.gramMatrixForward, ref.gramMatrixBackward),
  twin: courseImpl(...io, twin.gramMatrixForward, twin.gramMatrixBackward),
  validate: ({ features }, params) => void ref.validateGramMatrix(features, params),
  sample: gramSamples(3, 10, 8),
  gradSample: gramSamples(2, 3, 3),
  // Gram entries sum H·W products and dF sums C of them, in float32: rounding grows like √length.
  tolerance: ({ inputs }) => scaledAtol(TWIN_TOLERANCE, inputs.features.shape[1] + inputs.features.shape[2] * inputs.features.shape[3]),
  edgeCases: [
    makeSample({ features: tensor([1, 1, 1, 1], [2]) }), // one value: G = 4
    makeSample({ features: randnTensor([1, 3, 4, 5], makeRng('gram-edge')) }, { normalize: false }),
    makeSample({ features: randnTensor([2, 4, 2, 2], makeRng('gram-edge-batch')) }, { normalize: true }),
  ],
  errors: [
    {
      title: 'features of rank 3',
      sample: makeSample({ features: tensor([2, 3, 4]) }),
      message: 'gram_matrix: features: expected rank 4, got rank 3 (shape [2, 3, 4])',
    },
    {
      title: 'NaN in features',
      sample: makeSample({ features: tensor([1, 1, 1, 2], [0, NaN]) }),
      message: 'gram_matrix: features: expected finite values, got NaN at [0, 0, 0, 1]',
    },
    {
      title: 'normalize not a boolean',
      sample: makeSample({ features: tensor([1, 1, 1, 2]) }, { normalize: 'yes' }),
      message: 'gram_matrix: normalize: expected true or false, got "yes"',
    },
    {
      title: 'empty features',
      sample: makeSample({ features: tensor([1, 0, 2, 2]) }),
      message: 'gram_matrix: features: expected a non-empty tensor, got shape [1, 0, 2, 2]',
    },
  ],
};
