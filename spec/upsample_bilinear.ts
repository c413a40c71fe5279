import fc from 'fast-check';
import * as twin from '../accelerated/upsample_bilinear';
import * as ref from '../reference/upsample_bilinear';
import { tensor } from '../reference/tensor';
import { makeSample } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';
import { fixedResample, resampleErrors, resampleInput, resampleSamples, resampleTolerance } from './resampling';

const io = [['x'], ['out']] as const;

/** align_corners true, false, or left to its default (false). */
const corners = fc.option(fc.boolean(), { nil: undefined }).map((a) => (a === undefined ? {} : { align_corners: a }));

export const upsample_bilinear: OpDef = {
  id: 'upsample_bilinear',
  inputs: [resampleInput],
  outputs: ['out'],
  reference: courseImpl(...io, ref.upsampleBilinearForward, ref.upsampleBilinearBackward),
  twin: courseImpl(...io, twin.upsampleBilinearForward, twin.upsampleBilinearBackward),
  validate: ({ x }, params) => void ref.validateUpsampleBilinear(x, params),
  sample: resampleSamples({ N: 2, C: 3, size: 8, out: 20 }, corners),
  gradSample: resampleSamples({ N: 2, C: 2, size: 4, out: 7 }, corners),
  tolerance: resampleTolerance,
  edgeCases: [
    fixedResample([1, 2, 3, 4], { size: [5, 7], align_corners: true }, 1), // corners aligned, non-square
    fixedResample([2, 1, 3, 3], { scale: 2 }, 2), // pixel centres; edge rows clamp to the first pixel
    fixedResample([1, 1, 3, 3], { size: [1, 4], align_corners: true }, 3), // out = 1 with corners: step 0
    fixedResample([1, 1, 6, 5], { scale: 0.5, align_corners: false }, 4), // downsampling
    fixedResample([1, 2, 3, 4], { scale: 1.3 }, 5), // rows: out = in from a scale ≠ 1, copied
    fixedResample([1, 1, 1, 1], { size: [3, 3] }, 6), // one pixel: both taps on it
  ],
  errors: [
    ...resampleErrors('upsample_bilinear'),
    {
      title: 'align_corners not a boolean',
      sample: makeSample({ x: tensor([1, 1, 2, 3]) }, { scale: 2, align_corners: 'yes' }),
      message: 'upsample_bilinear: align_corners: expected true or false, got "yes"',
    },
  ],
};
