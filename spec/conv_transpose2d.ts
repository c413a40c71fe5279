import fc from 'fast-check';
import * as twin from '../accelerated/conv_transpose2d';
import * as ref from '../reference/conv_transpose2d';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { convInputs, convTensors, convTolerance, fixedConvSample } from './conv2d';
import { courseImpl, type Sample, type OpDef } from './harness/op';
import type { Tolerance } from './harness/tolerance';

interface Limits {
  N: number;
  C: number;
  F: number;
  size: number;
  kernel: number;
  stride: number;
  pad: number;
}

/** Random transposed convolutions; pad shrinks where it would crop the output below 1×1. */
const convTranspose2dSamples = (max: Limits) =>
  samples(
    fc.record({
      N: dim(1, max.N),
      C: dim(1, max.C),
      F: dim(1, max.F),
      H: dim(1, max.size),
      W: dim(1, max.size),
      HH: dim(1, max.kernel),
      WW: dim(1, max.kernel),
      stride: dim(1, max.stride),
      pad: dim(0, max.pad),
      extra: dim(0, max.stride - 1),
    }),
    ({ N, C, F, H, W, HH, WW, stride, pad, extra }, rng) => {
      const output_padding = extra % stride;
      const uncropped = Math.min((H - 1) * stride + HH, (W - 1) * stride + WW) + output_padding;
      return {
        inputs: convTensors(rng, [N, C, H, W], [C, F, HH, WW], F),
        params: { stride, pad: Math.min(pad, Math.floor((uncropped - 1) / 2)), output_padding },
      };
    },
  );

/** The twin's sums (see convTolerance): out over C·HH·WW, dx over F·HH·WW, dw over N·H·W, db over N·H'·W'. */
function convTranspose2dTolerance({ inputs: { x, w }, params }: Sample): Tolerance {
  const { N, C, H, W, F, HH, WW, Ho, Wo } = ref.validateConvTranspose2d(x, w, tensor([w.shape[1]]), params);
  return convTolerance([C * HH * WW, F * HH * WW, N * H * W, N * Ho * Wo]);
}

const io = [['x', 'w', 'b'], ['out']] as const;
const ok = { x: tensor([2, 3, 4, 4]), w: tensor([3, 2, 3, 3]), b: tensor([2]) };

export const conv_transpose2d: OpDef = {
  id: 'conv_transpose2d',
  inputs: convInputs,
  outputs: ['out'],
  reference: courseImpl(...io, ref.convTranspose2dForward, ref.convTranspose2dBackward),
  twin: courseImpl(...io, twin.convTranspose2dForward, twin.convTranspose2dBackward),
  validate: ({ x, w, b }, params) => void ref.validateConvTranspose2d(x, w, b, params),
  // Up to 6 channels each way and outputs up to 21×21, so the 4×4 tiles' edges are crossed.
  sample: convTranspose2dSamples({ N: 3, C: 6, F: 6, size: 6, kernel: 4, stride: 3, pad: 2 }),
  gradSample: convTranspose2dSamples({ N: 2, C: 3, F: 3, size: 4, kernel: 3, stride: 2, pad: 1 }),
  tolerance: convTranspose2dTolerance,
  edgeCases: [
    fixedConvSample(11, [1, 1, 2, 2], [1, 1, 3, 3], 1, {}), // defaults, batch 1
    fixedConvSample(12, [2, 3, 3, 4], [3, 2, 3, 2], 2, { stride: 2, pad: 1, output_padding: 1 }), // non-square kernel, output padding
    fixedConvSample(13, [1, 2, 2, 3], [2, 3, 2, 2], 3, { stride: 3, pad: 0, output_padding: 0 }), // stride > kernel: bias-only gaps
    fixedConvSample(14, [1, 4, 1, 1], [4, 2, 3, 1], 2, { stride: 1, pad: 0, output_padding: 0 }), // 1×1 input
    fixedConvSample(15, [1, 1, 4, 4], [1, 2, 4, 4], 2, { stride: 2, pad: 2, output_padding: 0 }), // padding crops the border
    fixedConvSample(16, [2, 3, 6, 7], [3, 4, 5, 6], 4, { stride: 1, pad: 1, output_padding: 0 }), // kernel wider than 4 columns: the twin's wide conv tiles
  ],
  errors: [
    {
      title: 'x of rank 3',
      sample: makeSample({ ...ok, x: tensor([3, 4, 4]) }),
      message: 'conv_transpose2d: x: expected rank 4, got rank 3 (shape [3, 4, 4])',
    },
    {
      title: 'w input channels differ from C',
      sample: makeSample({ ...ok, w: tensor([4, 2, 3, 3]) }),
      message: 'conv_transpose2d: w: expected shape [3, F, HH, WW] (C = 3 from x), got [4, 2, 3, 3]',
    },
    {
      title: 'b length differs from F',
      sample: makeSample({ ...ok, b: tensor([3]) }),
      message: 'conv_transpose2d: b: expected shape [2] (F = 2 from w), got [3]',
    },
    {
      title: 'padding crops the output away',
      sample: makeSample(ok, { pad: 4 }),
      message: "conv_transpose2d: x: expected an output of at least 1×1 (H' = (H−1)·stride − 2·pad + HH + output_padding), got H' × W' = -2 × -2",
    },
    {
      title: 'stride 0',
      sample: makeSample(ok, { stride: 0 }),
      message: 'conv_transpose2d: stride: expected an integer ≥ 1, got 0',
    },
    {
      title: 'non-integer stride',
      sample: makeSample(ok, { stride: 2.5 }),
      message: 'conv_transpose2d: stride: expected an integer ≥ 1, got 2.5',
    },
    {
      title: 'output_padding not below stride',
      sample: makeSample(ok, { stride: 2, output_padding: 2 }),
      message: 'conv_transpose2d: output_padding: expected an integer ≥ 0 and ≤ 1, got 2',
    },
    {
      title: 'NaN in x',
      sample: makeSample({
        ...ok,
        x: tensor(
          [2, 3, 4, 4],
          Array.from({ length: 96 }, (_, i) => (i === 53 ? NaN : 0)),
        ),
      }),
      message: 'conv_transpose2d: x: expected finite values, got NaN at [1, 0, 1, 1]',
    },
  ],
};
