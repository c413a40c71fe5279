import fc from 'fast-check';
import * as twin from '../accelerated/tv_loss';
import * as ref from '../reference/tv_loss';
import { randnTensor } from '../reference/rng';
import { numel, tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';
import { scaledAtol, TWIN_TOLERANCE } from './harness/tolerance';

const io = [['img'], ['loss']] as const;

/** Images (N, C, H, W) with non-square sides, H or W of 1 (no differences along that axis), several weights. */
const tvSamples = (maxN: number, maxC: number, maxHW: number) =>
  samples(
    fc.record({ N: dim(1, maxN), C: dim(1, maxC), H: dim(1, maxHW), W: dim(1, maxHW), tv_weight: fc.constantFrom(0, 2e-2, 0.5, 3) }),
    ({ N, C, H, W, tv_weight }, rng) => ({ inputs: { img: randnTensor([N, C, H, W], rng) }, params: { tv_weight } }),
  );

export const tv_loss: OpDef = {
  id: 'tv_loss',
  inputs: [{ name: 'img', kind: 'float', differentiable: true }],
  outputs: ['loss'],
  reference: courseImpl(...io, ref.tvLossForward, ref.tvLossBackward),
  twin: courseImpl(...io, twin.tvLossForward, twin.tvLossBackward),
  validate: ({ img }, params) => void ref.validateTvLoss(img, params),
  sample: tvSamples(2, 3, 20),
  gradSample: tvSamples(1, 2, 4),
  // A float32 sum over every pixel's two squared differences (each ~2): rounding grows like √length.
  tolerance: ({ inputs }) => scaledAtol(TWIN_TOLERANCE, numel(inputs.img.shape)),
  edgeCases: [
    makeSample({ img: tensor([1, 1, 1, 1], [5]) }, { tv_weight: 1 }), // one pixel: no neighbours, loss 0
    makeSample({ img: tensor([1, 1, 2, 3], [0, 1, 3, 2, 2, 2]) }, { tv_weight: 0.5 }),
    makeSample({ img: tensor([1, 3, 1, 4], [1, 2, 3, 4, 4, 3, 2, 1, 0, 0, 1, 1]) }, { tv_weight: 2 }), // one row: horizontal only
  ],
  errors: [
    {
      title: 'img of rank 3',
      sample: makeSample({ img: tensor([3, 4, 4]) }, { tv_weight: 1 }),
      message: 'tv_loss: img: expected rank 4, got rank 3 (shape [3, 4, 4])',
    },
    {
      title: 'negative tv_weight',
      sample: makeSample({ img: tensor([1, 1, 2, 2]) }, { tv_weight: -1 }),
      message: 'tv_loss: tv_weight: expected a number ≥ 0, got -1',
    },
    { title: 'missing tv_weight', sample: makeSample({ img: tensor([1, 1, 2, 2]) }), message: 'tv_loss: tv_weight: expected a number ≥ 0, got undefined' },
    {
      title: 'NaN in img',
      sample: makeSample({ img: tensor([1, 1, 2, 2], [0, 0, NaN, 0]) }, { tv_weight: 1 }),
      message: 'tv_loss: img: expected finite values, got NaN at [0, 0, 1, 0]',
    },
  ],
};
