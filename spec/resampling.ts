import fc from 'fast-check';
import { pixelStep, validateResample } from '../reference/resampling';
import { makeRng, randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import type { ErrorCase, InputSpec, Params, Sample } from './harness/op';
import { scaledAtol, TWIN_TOLERANCE, type Tolerance } from './harness/tolerance';

/** What the rows of upsample_nearest and upsample_bilinear share: inputs, samples, errors. */
export const resampleInput: InputSpec = { name: 'x', kind: 'float', differentiable: true };

/**
 * Scales whose output sizes and float32 steps exercise PyTorch's rules: 2 and 2.2 can hit the
 * out = 2·in shortcut, 1 and 1.3 the out = in one, the others fractional steps up and down.
 */
const SCALES = [0.5, 0.7, 1, 1.3, 1.5, 2, 2.2, 2.5, 3];

export interface ResampleLimits {
  N: number;
  C: number;
  size: number;
  out: number;
}

/** Random resamplings by a scale (x grown so that ⌊H·scale⌋ ≥ 1) or to a size; `extra` adds op params. */
export const resampleSamples = (max: ResampleLimits, extra: fc.Arbitrary<Params> = fc.constant({})): fc.Arbitrary<Sample> =>
  samples(
    fc.record({
      N: dim(1, max.N),
      C: dim(1, max.C),
      H: dim(1, max.size),
      W: dim(1, max.size),
      extra,
      target: fc.oneof(fc.record({ scale: fc.constantFrom(...SCALES) }), fc.record({ size: fc.tuple(dim(1, max.out), dim(1, max.out)) })),
    }),
    ({ N, C, H, W, target, extra }, rng) => {
      const fit = (v: number) => ('scale' in target ? Math.max(v, Math.ceil(1 / target.scale)) : v);
      return { inputs: { x: randnTensor([N, C, fit(H), fit(W)], rng) }, params: { ...target, ...extra } };
    },
  );

/**
 * dx of an upsampling sums dout over every output pixel that reads the input pixel, up to
 * (⌈H'/H⌉ + 1)·(⌈W'/W⌉ + 1) of them; float32 rounding grows like √ of that count.
 */
export function resampleTolerance({ inputs: { x }, params }: Sample): Tolerance {
  const { Ho, Wo, rows, cols } = validateResample('upsample', x, params, pixelStep);
  return scaledAtol(TWIN_TOLERANCE, (Math.ceil(Ho / rows.inSize) + 1) * (Math.ceil(Wo / cols.inSize) + 1));
}

export const fixedResample = (shape: number[], params: Params, seed: number): Sample => makeSample({ x: randnTensor(shape, makeRng(seed)) }, params);

/** The error inputs both upsampling ops share (with their own op name). */
export function resampleErrors(op: string): ErrorCase[] {
  const x = tensor([1, 1, 2, 3]);
  const error = (title: string, sample: Sample, message: string): ErrorCase => ({ title, sample, message: `${op}: ${message}` });
  return [
    error('x of rank 3', makeSample({ x: tensor([1, 2, 3]) }, { scale: 2 }), 'x: expected rank 4, got rank 3 (shape [1, 2, 3])'),
    error(
      'scale and size',
      makeSample({ x }, { scale: 2, size: [4, 6] }),
      "scale/size: expected exactly one of scale (a number) and size ([H', W']), got both",
    ),
    error('neither scale nor size', makeSample({ x }), "scale/size: expected exactly one of scale (a number) and size ([H', W']), got neither"),
    error('scale 0', makeSample({ x }, { scale: 0 }), 'scale: expected a finite number > 0, got 0'),
    error('size with a 0', makeSample({ x }, { size: [0, 3] }), "size: expected [H', W'] of integers ≥ 1, got [0,3]"),
    error('size of one number', makeSample({ x }, { size: [4] }), "size: expected [H', W'] of integers ≥ 1, got [4]"),
    error('size a two-character string', makeSample({ x }, { size: '44' }), `size: expected [H', W'] of integers ≥ 1, got "44"`),
    error('scale Infinity', makeSample({ x }, { scale: Infinity }), 'scale: expected a finite number > 0, got Infinity'),
    error('empty x', makeSample({ x: tensor([1, 1, 0, 3]) }, { scale: 2 }), 'x: expected a non-empty tensor, got shape [1, 1, 0, 3]'),
    error('scale leaving no rows', makeSample({ x }, { scale: 0.4 }), "x: expected an output of at least 1×1 (H' = ⌊H·scale⌋), got H' × W' = 0 × 1"),
    error('NaN in x', makeSample({ x: tensor([1, 1, 2, 3], [0, 1, 2, NaN, 4, 5]) }, { scale: 2 }), 'x: expected finite values, got NaN at [0, 0, 1, 0]'),
  ];
}
