import fc from 'fast-check';
import * as twin from '../accelerated/scaled_dot_product_attention';
import * as ref from '../reference/scaled_dot_product_attention';
import { randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { maskInput, maskKind } from './attention';
import { courseImpl, type OpDef } from './harness/op';

const io = [['q', 'k', 'v', 'mask'], ['out']] as const;

/**
 * Tq ≠ Tk and D ≠ Dv drawn independently (batch 1 included), causal absent / false / true, and the
 * mask absent or random (never fully masking a row, with causal applied too).
 */
const attentionSamples = (maxN: number, maxT: number, maxD: number) =>
  samples(
    fc.record({
      N: dim(1, maxN),
      Tq: dim(1, maxT),
      Tk: dim(1, maxT),
      D: dim(1, maxD),
      Dv: dim(1, maxD),
      causal: fc.constantFrom(undefined, false, true),
      mask: maskKind,
    }),
    ({ N, Tq, Tk, D, Dv, causal, mask }, rng) => ({
      inputs: {
        q: randnTensor([N, Tq, D], rng),
        k: randnTensor([N, Tk, D], rng),
        v: randnTensor([N, Tk, Dv], rng),
        ...maskInput(mask, N, Tq, Tk, rng, causal === true),
      },
      params: causal === undefined ? {} : { causal },
    }),
  );

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const q = tensor([1, 2, 3], [0.5, -1, 2, 1, 0, -0.5]);
const k = tensor(
  [1, 3, 3],
  seq(9, (i) => Math.sin(i)),
);
const v = tensor(
  [1, 3, 2],
  seq(6, (i) => i - 2),
);
const OP = 'scaled_dot_product_attention';

export const scaled_dot_product_attention: OpDef = {
  id: OP,
  inputs: [
    { name: 'q', kind: 'float', differentiable: true },
    { name: 'k', kind: 'float', differentiable: true },
    { name: 'v', kind: 'float', differentiable: true },
    { name: 'mask', kind: 'int', differentiable: false },
  ],
  outputs: ['out'],
  reference: courseImpl(...io, ref.scaledDotProductAttentionForward, ref.scaledDotProductAttentionBackward),
  twin: courseImpl(...io, twin.scaledDotProductAttentionForward, twin.scaledDotProductAttentionBackward),
  validate: ({ q, k, v, mask }, params) => void ref.validateScaledDotProductAttention(q, k, v, mask, params),
  // Up to 40 queries and keys: the 32×32 tiles of the batched matmul are crossed.
  sample: attentionSamples(3, 40, 9),
  gradSample: attentionSamples(2, 4, 3),
  edgeCases: [
    makeSample({ q, k, v }),
    makeSample({ q, k, v, mask: tensor([1, 2, 3], [0, 1, 1, 1, 0, 0]) }),
    makeSample({ q, k, v }, { causal: true }),
    // Causal with Tq > Tk: the queries past the last key see every key.
    makeSample(
      {
        q: tensor(
          [1, 4, 3],
          seq(12, (i) => Math.cos(i)),
        ),
        k,
        v,
        mask: tensor(
          [1, 4, 3],
          seq(12, (i) => (i === 5 ? 1 : 0)),
        ),
      },
      { causal: true },
    ),
    makeSample({ q: tensor([1, 1, 1], [2]), k: tensor([1, 1, 1], [-1]), v: tensor([1, 1, 1], [3]) }),
  ],
  errors: [
    { title: 'q of rank 2', sample: makeSample({ q: tensor([2, 3]), k, v }), message: `${OP}: q: expected rank 3, got rank 2 (shape [2, 3])` },
    { title: 'k of rank 2', sample: makeSample({ q, k: tensor([3, 3]), v }), message: `${OP}: k: expected rank 3, got rank 2 (shape [3, 3])` },
    { title: 'v of rank 4', sample: makeSample({ q, k, v: tensor([1, 3, 2, 1]) }), message: `${OP}: v: expected rank 3, got rank 4 (shape [1, 3, 2, 1])` },
    {
      title: 'k feature size differs',
      sample: makeSample({ q, k: tensor([1, 3, 2]), v }),
      message: `${OP}: k: expected shape [1, Tk, 3] (N = 1, D = 3 from q), got [1, 3, 2]`,
    },
    {
      title: 'v length differs from k',
      sample: makeSample({ q, k, v: tensor([1, 4, 2]) }),
      message: `${OP}: v: expected shape [1, 3, Dv] (N = 1 from q, Tk = 3 from k), got [1, 4, 2]`,
    },
    {
      title: 'mask shape differs',
      sample: makeSample({ q, k, v, mask: tensor([1, 3, 2]) }),
      message: `${OP}: mask: expected shape [1, 2, 3] (N = 1, Tq = 2 from q, Tk = 3 from k), got [1, 3, 2]`,
    },
    {
      title: 'mask not 0/1',
      sample: makeSample({ q, k, v, mask: tensor([1, 2, 3], [0, 1, 2, 0, 0, 0]) }),
      message: `${OP}: mask: expected 0 or 1, got 2 at [0, 0, 2]`,
    },
    {
      title: 'fully masked query row',
      sample: makeSample({ q, k, v, mask: tensor([1, 2, 3], [0, 1, 0, 1, 1, 1]) }),
      message: `${OP}: mask: expected at least one unmasked key in every query row, got every key masked in query row [0, 1]`,
    },
    {
      title: 'row fully masked once causal applies',
      sample: makeSample({ q, k, v, mask: tensor([1, 2, 3], [1, 0, 0, 0, 0, 0]) }, { causal: true }),
      message: `${OP}: mask: expected at least one unmasked key in every query row, got every key masked in query row [0, 0] (with causal)`,
    },
    { title: 'causal not a boolean', sample: makeSample({ q, k, v }, { causal: 1 }), message: `${OP}: causal: expected true or false, got 1` },
    {
      title: 'NaN in k',
      sample: makeSample({
        q,
        k: tensor(
          [1, 3, 3],
          seq(9, (i) => (i === 4 ? NaN : i)),
        ),
        v,
      }),
      message: `${OP}: k: expected finite values, got NaN at [0, 1, 1]`,
    },
  ],
};
