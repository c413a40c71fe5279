import fc from 'fast-check';
import * as twin from '../accelerated/multi_head_attention';
import * as ref from '../reference/multi_head_attention';
import { randnTensor } from '../reference/rng';
import { tensor, type Tensors } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { maskInput, maskKind } from './attention';
import { courseImpl, type OpDef } from './harness/op';

const WEIGHTS = ['Wq', 'Wk', 'Wv', 'Wo'];
const BIASES = ['bq', 'bk', 'bv', 'bo'];
const io = [['query', 'key', 'value', ...WEIGHTS, ...BIASES, 'mask'], ['out']] as const;

/** Weights and biases for embedding size E, weights scaled by 1/√E so the scores stay of order 1. */
const projections = (E: number, rng: () => number): Tensors => ({
  ...Object.fromEntries(WEIGHTS.map((w) => [w, randnTensor([E, E], rng, 1 / Math.sqrt(E))])),
  ...Object.fromEntries(BIASES.map((b) => [b, randnTensor([E], rng, 0.5)])),
});

/** S ≠ T (batch 1 included), one or more heads of size dh (E = num_heads·dh), mask absent or random. */
const mhaSamples = (maxN: number, maxL: number, maxHeads: number, maxDh: number) =>
  samples(
    fc.record({ N: dim(1, maxN), S: dim(1, maxL), T: dim(1, maxL), H: dim(1, maxHeads), dh: dim(1, maxDh), mask: maskKind }),
    ({ N, S, T, H, dh, mask }, rng) => ({
      inputs: {
        query: randnTensor([N, S, H * dh], rng),
        key: randnTensor([N, T, H * dh], rng),
        value: randnTensor([N, T, H * dh], rng),
        ...projections(H * dh, rng),
        ...maskInput(mask, N, S, T, rng),
      },
      params: { num_heads: H },
    }),
  );

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const E = 4;
const ok: Tensors = {
  query: tensor(
    [1, 2, E],
    seq(8, (i) => Math.sin(i)),
  ),
  key: tensor(
    [1, 3, E],
    seq(12, (i) => Math.cos(i)),
  ),
  value: tensor(
    [1, 3, E],
    seq(12, (i) => i / 6 - 1),
  ),
  ...Object.fromEntries(
    WEIGHTS.map((w, k) => [
      w,
      tensor(
        [E, E],
        seq(16, (i) => Math.sin(i + k) / 2),
      ),
    ]),
  ),
  ...Object.fromEntries(
    BIASES.map((b, k) => [
      b,
      tensor(
        [E],
        seq(E, (i) => (i - k) / 10),
      ),
    ]),
  ),
};
const OP = 'multi_head_attention';

export const multi_head_attention: OpDef = {
  id: OP,
  // bk adds q·bk to every score of a query row, which the softmax cancels: dbk is identically 0.
  // It is still returned and compared (reference, twin, fixtures, grading), but left out of the
  // centered-difference check, which would see only the round-off of that cancellation (~1e-11
  // against rel_error's 1e-8 floor).
  inputs: [
    ...io[0].slice(0, -1).map((name) => ({ name, kind: 'float' as const, differentiable: name !== 'bk' })),
    { name: 'mask', kind: 'int', differentiable: false },
  ],
  outputs: ['out'],
  reference: courseImpl(...io, ref.multiHeadAttentionForward, ref.multiHeadAttentionBackward),
  twin: courseImpl(...io, twin.multiHeadAttentionForward, twin.multiHeadAttentionBackward),
  validate: (t, params) => void ref.validateMultiHeadAttention(t.query, t.key, t.value, t.Wq, t.Wk, t.Wv, t.Wo, t.bq, t.bk, t.bv, t.bo, t.mask, params),
  // Up to 3·20 rows per projection: the 32-row tiles of the matmuls are crossed.
  sample: mhaSamples(3, 20, 4, 5),
  gradSample: mhaSamples(2, 3, 2, 2),
  edgeCases: [
    makeSample(ok, { num_heads: 1 }),
    makeSample({ ...ok, mask: tensor([1, 2, 3], [0, 1, 1, 1, 0, 1]) }, { num_heads: 2 }),
    makeSample(ok, { num_heads: 4 }),
  ],
  errors: [
    { title: 'E not divisible by num_heads', sample: makeSample(ok, { num_heads: 3 }), message: `${OP}: num_heads: expected a divisor of E = 4, got 3` },
    { title: 'num_heads missing', sample: makeSample(ok), message: `${OP}: num_heads: expected an integer ≥ 1, got undefined` },
    {
      title: 'query of rank 2',
      sample: makeSample({ ...ok, query: tensor([2, E]) }, { num_heads: 2 }),
      message: `${OP}: query: expected rank 3, got rank 2 (shape [2, 4])`,
    },
    {
      title: 'key embedding differs',
      sample: makeSample({ ...ok, key: tensor([1, 3, 2]) }, { num_heads: 2 }),
      message: `${OP}: key: expected shape [1, T, 4] (N = 1, E = 4 from query), got [1, 3, 2]`,
    },
    {
      title: 'key of rank 2',
      sample: makeSample({ ...ok, key: tensor([3, E]) }, { num_heads: 2 }),
      message: `${OP}: key: expected rank 3, got rank 2 (shape [3, 4])`,
    },
    {
      title: 'bq not (E)',
      sample: makeSample({ ...ok, bq: tensor([3]) }, { num_heads: 2 }),
      message: `${OP}: bq: expected shape [4] (E = 4 from query), got [3]`,
    },
    {
      title: 'mask of another key length',
      sample: makeSample({ ...ok, mask: tensor([1, 2, 2]) }, { num_heads: 2 }),
      message: `${OP}: mask: expected shape [1, 2, 3] (N = 1, S = 2 from query, T = 3 from key), got [1, 2, 2]`,
    },
    {
      title: 'value length differs from key',
      sample: makeSample({ ...ok, value: tensor([1, 2, E]) }, { num_heads: 2 }),
      message: `${OP}: value: expected shape [1, 3, 4] (N = 1, E = 4 from query, T = 3 from key), got [1, 2, 4]`,
    },
    {
      title: 'Wo not (E, E)',
      sample: makeSample({ ...ok, Wo: tensor([E, 2]) }, { num_heads: 2 }),
      message: `${OP}: Wo: expected shape [4, 4] (E = 4 from query), got [4, 2]`,
    },
    {
      title: 'mask not 0/1',
      sample: makeSample({ ...ok, mask: tensor([1, 2, 3], [0, 0.5, 0, 0, 0, 0]) }, { num_heads: 2 }),
      message: `${OP}: mask: expected 0 or 1, got 0.5 at [0, 0, 1]`,
    },
    {
      title: 'fully masked query row',
      sample: makeSample({ ...ok, mask: tensor([1, 2, 3], [1, 1, 1, 0, 0, 0]) }, { num_heads: 2 }),
      message: `${OP}: mask: expected at least one unmasked key in every query row, got every key masked in query row [0, 0]`,
    },
    {
      title: 'NaN in Wk',
      sample: makeSample(
        {
          ...ok,
          Wk: tensor(
            [E, E],
            seq(16, (i) => (i === 6 ? NaN : 0)),
          ),
        },
        { num_heads: 2 },
      ),
      message: `${OP}: Wk: expected finite values, got NaN at [1, 2]`,
    },
  ],
};
