import fc from 'fast-check';
import * as twin from '../accelerated/conv2d';
import * as ref from '../reference/conv2d';
import { makeRng, randnTensor, type Rng } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type InputSpec, type Sample, type OpDef } from './harness/op';
import { scaledAtol, TWIN_TOLERANCE, type Tolerance } from './harness/tolerance';

/** What conv2d and conv_transpose2d share: inputs, random values, the tolerance rule. */
export const convInputs: InputSpec[] = ['x', 'w', 'b'].map((name) => ({ name, kind: 'float', differentiable: true }));

export const convTensors = (rng: Rng, xShape: number[], wShape: number[], F: number): Record<string, Tensor> => ({
  x: randnTensor(xShape, rng),
  w: randnTensor(wShape, rng),
  b: randnTensor([F], rng),
});

/**
 * Every output and gradient of a convolution is a float32 sum of products of N(0, 1) values; its
 * rounding error grows like √(number of terms), so atol scales with the longest of the sums the twin
 * computes (the forward's C/groups·HH·WW, dx's F/groups·HH·WW, dw's and db's N·H'·W').
 */
export const convTolerance = (reductionLengths: number[]): Tolerance => scaledAtol(TWIN_TOLERANCE, Math.max(...reductionLengths));

/** A sample with fixed shapes and params, values from `seed` (edge cases and their fixtures). */
export const fixedConvSample = (seed: number, xShape: number[], wShape: number[], F: number, params: Record<string, number>): Sample =>
  makeSample(convTensors(makeRng(seed), xShape, wShape, F), params);

interface Limits {
  N: number;
  groups: number;
  Cg: number;
  Fg: number;
  size: number;
  kernel: number;
  stride: number;
  pad: number;
  dilation: number;
}

/** Random convolutions; x grows where needed so that the dilated kernel fits (output ≥ 1×1). */
const conv2dSamples = (max: Limits) =>
  samples(
    fc.record({
      N: dim(1, max.N),
      groups: dim(1, max.groups),
      Cg: dim(1, max.Cg),
      Fg: dim(1, max.Fg),
      H: dim(1, max.size),
      W: dim(1, max.size),
      HH: dim(1, max.kernel),
      WW: dim(1, max.kernel),
      stride: dim(1, max.stride),
      pad: dim(0, max.pad),
      dilation: dim(1, max.dilation),
    }),
    ({ N, groups, Cg, Fg, H, W, HH, WW, stride, pad, dilation }, rng) => {
      const fit = (size: number, k: number) => Math.max(size, dilation * (k - 1) + 1 - 2 * pad);
      const [C, F] = [Cg * groups, Fg * groups];
      return {
        inputs: convTensors(rng, [N, C, fit(H, HH), fit(W, WW)], [F, Cg, HH, WW], F),
        params: { stride, pad, dilation, groups },
      };
    },
  );

function conv2dTolerance({ inputs: { x, w }, params }: Sample): Tolerance {
  const { N, F, HH, WW, Ho, Wo, groups } = ref.validateConv2d(x, w, tensor([w.shape[0]]), params);
  return convTolerance([w.shape[1] * HH * WW, (F / groups) * HH * WW, N * Ho * Wo]);
}

const io = [['x', 'w', 'b'], ['out']] as const;
const ok = { x: tensor([2, 4, 5, 5]), w: tensor([6, 2, 3, 3]), b: tensor([6]) };
const groups2 = { groups: 2 };

export const conv2d: OpDef = {
  id: 'conv2d',
  inputs: convInputs,
  outputs: ['out'],
  reference: courseImpl(...io, ref.conv2dForward, ref.conv2dBackward),
  twin: courseImpl(...io, twin.conv2dForward, twin.conv2dBackward),
  validate: ({ x, w, b }, params) => void ref.validateConv2d(x, w, b, params),
  // Up to 6 filters per group and 3·10·10 output positions, so the 4×4 tiles' edges are crossed.
  sample: conv2dSamples({ N: 3, groups: 3, Cg: 3, Fg: 6, size: 9, kernel: 4, stride: 3, pad: 2, dilation: 3 }),
  gradSample: conv2dSamples({ N: 2, groups: 2, Cg: 2, Fg: 3, size: 6, kernel: 3, stride: 2, pad: 1, dilation: 2 }),
  tolerance: conv2dTolerance,
  edgeCases: [
    fixedConvSample(1, [1, 1, 3, 3], [1, 1, 2, 2], 1, {}), // defaults, batch 1
    fixedConvSample(2, [2, 3, 7, 5], [4, 3, 3, 3], 4, { stride: 2, pad: 1, dilation: 1, groups: 1 }), // stride 2, odd non-square x
    fixedConvSample(3, [1, 2, 6, 7], [3, 2, 2, 3], 3, { stride: 1, pad: 2, dilation: 2, groups: 1 }), // dilation, non-square kernel
    fixedConvSample(4, [2, 4, 5, 5], [4, 1, 3, 3], 4, { stride: 1, pad: 1, dilation: 1, groups: 4 }), // depthwise
    fixedConvSample(5, [1, 4, 4, 6], [6, 2, 1, 3], 6, { stride: 2, pad: 0, dilation: 1, groups: 2 }), // groups 2, 1×3 kernel
    fixedConvSample(6, [1, 1, 1, 1], [2, 1, 1, 1], 2, { stride: 1, pad: 2, dilation: 1, groups: 1 }), // padding wider than x
    fixedConvSample(7, [1, 3, 4, 5], [2, 3, 4, 5], 2, { stride: 3, pad: 0, dilation: 1, groups: 1 }), // kernel covers x: 1×1 output
    fixedConvSample(8, [3, 1, 10, 10], [4, 1, 5, 5], 4, { stride: 1, pad: 2, dilation: 1, groups: 1 }), // 5×5 'same': the twin's wide tile, split-K dw, dx by the forward kernel
    fixedConvSample(9, [1, 2, 9, 8], [3, 2, 7, 6], 3, { stride: 1, pad: 3, dilation: 1, groups: 1 }), // kernel wider than 4 columns, non-square
    fixedConvSample(10, [2, 2, 4, 12], [5, 2, 2, 11], 5, { stride: 1, pad: 1, dilation: 1, groups: 1 }), // kernel rows wider than 8 columns: two of the twin's dw tiles per row
    fixedConvSample(11, [4, 8, 2, 2], [4, 8, 2, 2], 4, { stride: 1, pad: 0, dilation: 1, groups: 1 }), // many channels on a tiny plane, as in late layers: N·C planes outnumber a plane's pixels
  ],
  errors: [
    {
      title: 'x of rank 3',
      sample: makeSample({ ...ok, x: tensor([4, 5, 5]) }, groups2),
      message: 'conv2d: x: expected rank 4, got rank 3 (shape [4, 5, 5])',
    },
    {
      title: 'w of rank 3',
      sample: makeSample({ ...ok, w: tensor([6, 2, 3]) }, groups2),
      message: 'conv2d: w: expected rank 4, got rank 3 (shape [6, 2, 3])',
    },
    {
      title: 'C not divisible by groups',
      sample: makeSample(ok, { groups: 3 }),
      message: 'conv2d: groups: expected a divisor of C = 4 (from x), got 3',
    },
    {
      title: 'F not divisible by groups',
      sample: makeSample({ ...ok, w: tensor([6, 1, 3, 3]) }, { groups: 4 }),
      message: 'conv2d: groups: expected a divisor of F = 6 (from w), got 4',
    },
    {
      title: 'w channels differ from C/groups',
      sample: makeSample({ ...ok, w: tensor([6, 4, 3, 3]) }, groups2),
      message: 'conv2d: w: expected shape [F, 2, HH, WW] (C/groups = 2 from x and groups), got [6, 4, 3, 3]',
    },
    {
      title: 'b length differs from F',
      sample: makeSample({ ...ok, b: tensor([5]) }, groups2),
      message: 'conv2d: b: expected shape [6] (F = 6 from w), got [5]',
    },
    {
      title: 'kernel taller than padded x',
      sample: makeSample({ ...ok, w: tensor([6, 2, 7, 3]) }, groups2),
      message: "conv2d: x: expected an output of at least 1×1 (H' = 1 + ⌊(H + 2·pad − dilation·(HH−1) − 1) / stride⌋), got H' × W' = -1 × 3",
    },
    {
      title: 'kernel wider than padded x',
      sample: makeSample({ ...ok, w: tensor([6, 2, 3, 7]) }, groups2),
      message: "conv2d: x: expected an output of at least 1×1 (H' = 1 + ⌊(H + 2·pad − dilation·(HH−1) − 1) / stride⌋), got H' × W' = 3 × -1",
    },
    { title: 'b of rank 2', sample: makeSample({ ...ok, b: tensor([6, 1]) }, groups2), message: 'conv2d: b: expected rank 1, got rank 2 (shape [6, 1])' },
    {
      title: 'empty x',
      sample: makeSample({ ...ok, x: tensor([0, 4, 5, 5]) }, groups2),
      message: 'conv2d: x: expected a non-empty tensor, got shape [0, 4, 5, 5]',
    },
    {
      title: 'empty w',
      sample: makeSample({ ...ok, w: tensor([6, 2, 0, 3]) }, groups2),
      message: 'conv2d: w: expected a non-empty tensor, got shape [6, 2, 0, 3]',
    },
    {
      title: 'stride 0',
      sample: makeSample(ok, { groups: 2, stride: 0 }),
      message: 'conv2d: stride: expected an integer ≥ 1, got 0',
    },
    {
      title: 'non-integer stride',
      sample: makeSample(ok, { groups: 2, stride: 1.5 }),
      message: 'conv2d: stride: expected an integer ≥ 1, got 1.5',
    },
    {
      title: 'negative pad',
      sample: makeSample(ok, { groups: 2, pad: -1 }),
      message: 'conv2d: pad: expected an integer ≥ 0, got -1',
    },
    {
      title: 'dilation 0',
      sample: makeSample(ok, { groups: 2, dilation: 0 }),
      message: 'conv2d: dilation: expected an integer ≥ 1, got 0',
    },
    {
      title: 'NaN in x',
      sample: makeSample(
        {
          ...ok,
          x: tensor(
            [2, 4, 5, 5],
            Array.from({ length: 200 }, (_, i) => (i === 27 ? NaN : 0)),
          ),
        },
        groups2,
      ),
      message: 'conv2d: x: expected finite values, got NaN at [0, 1, 0, 2]',
    },
  ],
};
