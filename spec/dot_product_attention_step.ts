import fc from 'fast-check';
import * as twin from '../accelerated/dot_product_attention_step';
import * as ref from '../reference/dot_product_attention_step';
import { randnTensor } from '../reference/rng';
import { tensor, type Tensors } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const OP = 'dot_product_attention_step';
const io = [
  ['prev_h', 'A'],
  ['attn', 'attn_weights'],
] as const;

/** Batch 1 included, H across the matmul tiles, grids from 1×1 (a single position) up. */
const stepSamples = (maxN: number, maxH: number, maxDa: number) =>
  samples(fc.record({ N: dim(1, maxN), H: dim(1, maxH), Da: dim(1, maxDa) }), ({ N, H, Da }, rng) => ({
    inputs: { prev_h: randnTensor([N, H], rng), A: randnTensor([N, H, Da, Da], rng) },
  }));

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const ok: Tensors = {
  prev_h: tensor(
    [2, 3],
    seq(6, (i) => Math.sin(i)),
  ),
  A: tensor(
    [2, 3, 2, 2],
    seq(24, (i) => Math.cos(i / 2)),
  ),
};

export const dot_product_attention_step: OpDef = {
  id: OP,
  inputs: [
    { name: 'prev_h', kind: 'float', differentiable: true },
    { name: 'A', kind: 'float', differentiable: true },
  ],
  outputs: [...io[1]],
  reference: courseImpl(...io, ref.dotProductAttentionStepForward, ref.dotProductAttentionStepBackward, io[1]),
  twin: courseImpl(...io, twin.dotProductAttentionStepForward, twin.dotProductAttentionStepBackward, io[1]),
  validate: (t) => void ref.validateDotProductAttentionStep(t.prev_h, t.A),
  // H up to 40 and P = D_a² up to 49: the 32-wide tiles of the batched matmul are crossed.
  sample: stepSamples(3, 40, 7),
  gradSample: stepSamples(2, 4, 3),
  edgeCases: [
    makeSample(ok),
    makeSample({ prev_h: tensor([1, 2], [0.5, -1]), A: tensor([1, 2, 1, 1], [1, 2]) }),
    // The captioner's shape: a 4×4 grid of CNN features.
    makeSample({
      prev_h: tensor(
        [1, 4],
        seq(4, (i) => i / 4 - 0.3),
      ),
      A: tensor(
        [1, 4, 4, 4],
        seq(64, (i) => Math.sin(i)),
      ),
    }),
  ],
  errors: [
    { title: 'prev_h of rank 1', sample: makeSample({ ...ok, prev_h: tensor([3]) }), message: `${OP}: prev_h: expected rank 2, got rank 1 (shape [3])` },
    { title: 'A of rank 3', sample: makeSample({ ...ok, A: tensor([2, 3, 4]) }), message: `${OP}: A: expected rank 4, got rank 3 (shape [2, 3, 4])` },
    {
      title: 'A with another H',
      sample: makeSample({ ...ok, A: tensor([2, 4, 2, 2]) }),
      message: `${OP}: A: expected shape [2, 3, D_a, D_a] (N = 2, H = 3 from prev_h), got [2, 4, 2, 2]`,
    },
    {
      title: 'A not square',
      sample: makeSample({ ...ok, A: tensor([2, 3, 2, 3]) }),
      message: `${OP}: A: expected a square spatial grid (D_a, D_a), got [2, 3]`,
    },
    {
      title: 'empty prev_h',
      sample: makeSample({ prev_h: tensor([0, 3]), A: tensor([0, 3, 2, 2]) }),
      message: `${OP}: prev_h: expected a non-empty tensor, got shape [0, 3]`,
    },
    { title: 'empty A', sample: makeSample({ ...ok, A: tensor([2, 3, 0, 0]) }), message: `${OP}: A: expected a non-empty tensor, got shape [2, 3, 0, 0]` },
    {
      title: 'NaN in prev_h',
      sample: makeSample({ ...ok, prev_h: tensor([2, 3], [0, 0, 0, 0, 0, NaN]) }),
      message: `${OP}: prev_h: expected finite values, got NaN at [1, 2]`,
    },
    {
      title: 'NaN in A',
      sample: makeSample({
        ...ok,
        A: tensor(
          [2, 3, 2, 2],
          seq(24, (i) => (i === 5 ? NaN : 0)),
        ),
      }),
      message: `${OP}: A: expected finite values, got NaN at [0, 1, 0, 1]`,
    },
  ],
};
