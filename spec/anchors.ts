import fc from 'fast-check';
import * as twin from '../accelerated/anchors';
import * as ref from '../reference/anchors';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const anchorSamples = (maxSize: number) =>
  samples(
    fc.record({
      N: dim(1, 2),
      C: dim(1, 2),
      Hf: dim(1, maxSize),
      Wf: dim(1, maxSize),
      stride: fc.constantFrom(4, 5, 8, 16),
      scales: fc.uniqueArray(fc.constantFrom(8, 16, 24.5, 32, 64), { minLength: 1, maxLength: 3 }),
      ratios: fc.uniqueArray(fc.constantFrom(0.5, 0.75, 1, 2, 3), { minLength: 1, maxLength: 3 }),
    }),
    ({ N, C, Hf, Wf, stride, scales, ratios }) => ({ inputs: { features: tensor([N, C, Hf, Wf]) }, params: { stride, scales, ratios } }),
  );

const io = [['features'], ['anchors']] as const;
const ok = { features: tensor([1, 1, 2, 2]) };
const params = { stride: 16, scales: [32], ratios: [1] };

export const anchors: OpDef = {
  id: 'anchors',
  inputs: [{ name: 'features', kind: 'float', differentiable: false }],
  outputs: ['anchors'],
  reference: courseImpl(...io, ref.anchorsForward),
  twin: courseImpl(...io, twin.anchorsForward),
  validate: ({ features }, p) => void ref.validateAnchors(features, p),
  sample: anchorSamples(20),
  gradSample: anchorSamples(3),
  edgeCases: [
    // One cell, one anchor: center (8, 8), 32 × 32.
    makeSample({ features: tensor([1, 1, 1, 1]) }, { stride: 16, scales: [32], ratios: [1] }),
    // 2 × 3 cells, ratios 0.5 and 2 (wide, then tall) at scales 8 and 16: the documented order.
    makeSample({ features: tensor([1, 1, 2, 3]) }, { stride: 8, scales: [8, 16], ratios: [0.5, 2] }),
  ],
  errors: [
    {
      title: 'features of rank 2',
      sample: makeSample({ features: tensor([2, 2]) }, params),
      message: 'anchors: features: expected rank 4, got rank 2 (shape [2, 2])',
    },
    {
      title: 'empty feature map',
      sample: makeSample({ features: tensor([1, 1, 0, 2]) }, params),
      message: 'anchors: features: expected a feature map of H′, W′ ≥ 1, got shape [1, 1, 0, 2]',
    },
    {
      title: 'feature map of width 0',
      sample: makeSample({ features: tensor([1, 1, 2, 0]) }, params),
      message: 'anchors: features: expected a feature map of H′, W′ ≥ 1, got shape [1, 1, 2, 0]',
    },
    { title: 'stride missing', sample: makeSample(ok, { scales: [32], ratios: [1] }), message: 'anchors: stride: expected a number > 0, got undefined' },
    { title: 'no scales', sample: makeSample(ok, { ...params, scales: [] }), message: 'anchors: scales: expected a non-empty list of numbers > 0, got []' },
    {
      title: 'a scale as a string',
      sample: makeSample(ok, { ...params, scales: ['32'] }),
      message: 'anchors: scales: expected a non-empty list of numbers > 0, got ["32"]',
    },
    {
      title: 'a zero ratio',
      sample: makeSample(ok, { ...params, ratios: [0, 1] }),
      message: 'anchors: ratios: expected a non-empty list of numbers > 0, got [0,1]',
    },
    {
      title: 'negative ratio',
      sample: makeSample(ok, { ...params, ratios: [1, -2] }),
      message: 'anchors: ratios: expected a non-empty list of numbers > 0, got [1,-2]',
    },
  ],
  // Coordinates reach ~400 input pixels: float32 rounds them to ~3e-5, and where a corner lands near
  // 0 (center − half size) that is all absolute error.
  tolerance: { atol: 1e-4, rtol: 1e-4 },
  reasons: {
    ref_bwd: 'anchors depend on sizes and params only: nothing to differentiate',
    gradcheck: 'no backward to check',
    twin_bwd: 'no backward (as the reference)',
  },
};
