import fc from 'fast-check';
import * as twin from '../accelerated/nt_xent';
import * as ref from '../reference/nt_xent';
import { makeRng, randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const io = [['z'], ['loss']] as const;

/**
 * Projections z (2N, D) at several scales (cosines ignore it), the default τ and others. The
 * gradient check keeps τ ≥ 0.5 and ‖z‖ ≳ 1: the third derivative grows like 1/(τ‖z‖)³ and a sharp τ
 * on short rows would put the centered difference's own h² error above the 1e-7 bound.
 */
const ntXentSamples = (maxN: number, maxD: number, scales: number[], taus: Array<number | undefined>) =>
  samples(fc.record({ N: dim(1, maxN), D: dim(1, maxD), scale: fc.constantFrom(...scales), tau: fc.constantFrom(...taus) }), ({ N, D, scale, tau }, rng) => ({
    inputs: { z: randnTensor([2 * N, D], rng, scale) },
    params: tau === undefined ? {} : { tau },
  }));

export const nt_xent: OpDef = {
  id: 'nt_xent',
  inputs: [{ name: 'z', kind: 'float', differentiable: true }],
  outputs: ['loss'],
  reference: courseImpl(...io, ref.ntXentNaiveForward, ref.ntXentNaiveBackward),
  variants: { vectorized: courseImpl(...io, ref.ntXentVectorizedForward, ref.ntXentVectorizedBackward) },
  twin: courseImpl(...io, twin.ntXentForward, twin.ntXentBackward),
  validate: ({ z }, params) => void ref.validateNtXent(z, params),
  sample: ntXentSamples(24, 20, [0.5, 1, 4], [undefined, 0.1, 0.5, 2]),
  gradSample: ntXentSamples(3, 4, [1, 4], [undefined, 2]),
  edgeCases: [
    makeSample({ z: tensor([2, 3], [1, 0, 0, 0.5, 0.5, 0]) }), // one pair: the only other row is the positive, loss 0
    makeSample({ z: tensor([4, 2], [1, 0.2, 0.3, 1, 1.2, 0.5, -0.4, 2]) }, { tau: 0.2 }), // pairs roughly aligned, sharp τ
    makeSample({ z: randnTensor([6, 1], makeRng('nt-xent-edge')) }), // D = 1: every cosine is ±1
  ],
  errors: [
    {
      title: 'odd number of rows',
      sample: makeSample({ z: tensor([3, 2], [1, 0, 0, 1, 1, 1]) }),
      message: 'nt_xent: z: expected an even number of rows (2N: pairs k, k + N), got 3 rows',
    },
    {
      title: 'zero row',
      sample: makeSample({ z: tensor([2, 2], [1, 0, 0, 0]) }),
      message: 'nt_xent: z: expected rows of non-zero norm (cosine similarity), got a zero row at [1]',
    },
    { title: 'tau of 0', sample: makeSample({ z: tensor([2, 2], [1, 0, 0, 1]) }, { tau: 0 }), message: 'nt_xent: tau: expected a number > 0, got 0' },
    { title: 'empty z', sample: makeSample({ z: tensor([0, 2]) }), message: 'nt_xent: z: expected a non-empty tensor, got shape [0, 2]' },
    { title: 'z of rank 1', sample: makeSample({ z: tensor([4]) }), message: 'nt_xent: z: expected rank 2, got rank 1 (shape [4])' },
    { title: 'NaN in z', sample: makeSample({ z: tensor([2, 2], [1, NaN, 0, 1]) }), message: 'nt_xent: z: expected finite values, got NaN at [0, 1]' },
  ],
};
