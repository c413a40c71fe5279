import fc from 'fast-check';
import * as twin from '../accelerated/pixel_shuffle';
import * as ref from '../reference/pixel_shuffle';
import { makeRng, randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const io = [['x'], ['out']] as const;

const shuffleSamples = (maxN: number, maxC: number, maxR: number, maxSize: number) =>
  samples(fc.record({ N: dim(1, maxN), C: dim(1, maxC), r: dim(1, maxR), H: dim(1, maxSize), W: dim(1, maxSize) }), ({ N, C, r, H, W }, rng) => ({
    inputs: { x: randnTensor([N, C * r * r, H, W], rng) },
    params: { r },
  }));

const fixed = (shape: number[], r: number, seed: number) => makeSample({ x: randnTensor(shape, makeRng(seed)) }, { r });
const x = tensor([1, 8, 2, 2]);

export const pixel_shuffle: OpDef = {
  id: 'pixel_shuffle',
  inputs: [{ name: 'x', kind: 'float', differentiable: true }],
  outputs: ['out'],
  reference: courseImpl(...io, ref.pixelShuffleForward, ref.pixelShuffleBackward),
  twin: courseImpl(...io, twin.pixelShuffleForward, twin.pixelShuffleBackward),
  validate: ({ x }, params) => void ref.validatePixelShuffle(x, params),
  sample: shuffleSamples(3, 3, 3, 7),
  gradSample: shuffleSamples(2, 2, 3, 3),
  edgeCases: [
    fixed([1, 2, 2, 3], 1, 1), // r = 1: identity
    fixed([2, 8, 3, 2], 2, 2), // two output channels, non-square
    fixed([1, 9, 1, 1], 3, 3), // one pixel becomes a 3×3 block
  ],
  errors: [
    {
      title: 'x of rank 3',
      sample: makeSample({ x: tensor([8, 2, 2]) }, { r: 2 }),
      message: 'pixel_shuffle: x: expected rank 4, got rank 3 (shape [8, 2, 2])',
    },
    {
      title: 'empty x',
      sample: makeSample({ x: tensor([1, 4, 0, 2]) }, { r: 2 }),
      message: 'pixel_shuffle: x: expected a non-empty tensor, got shape [1, 4, 0, 2]',
    },
    { title: 'r 0', sample: makeSample({ x }, { r: 0 }), message: 'pixel_shuffle: r: expected an integer ≥ 1, got 0' },
    { title: 'no r', sample: makeSample({ x }), message: 'pixel_shuffle: r: expected an integer ≥ 1, got undefined' },
    {
      title: 'channels not divisible by r²',
      sample: makeSample({ x }, { r: 3 }),
      message: 'pixel_shuffle: x: expected a channel count divisible by r² = 9, got 8 channels',
    },
    {
      title: 'NaN in x',
      sample: makeSample({ x: tensor([1, 4, 1, 1], [0, 1, NaN, 3]) }, { r: 2 }),
      message: 'pixel_shuffle: x: expected finite values, got NaN at [0, 2, 0, 0]',
    },
  ],
};
