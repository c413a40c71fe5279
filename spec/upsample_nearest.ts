import * as twin from '../accelerated/upsample_nearest';
import * as ref from '../reference/upsample_nearest';
import { courseImpl, type OpDef } from './harness/op';
import { fixedResample, resampleErrors, resampleInput, resampleSamples, resampleTolerance } from './resampling';

const io = [['x'], ['out']] as const;

export const upsample_nearest: OpDef = {
  id: 'upsample_nearest',
  inputs: [resampleInput],
  outputs: ['out'],
  reference: courseImpl(...io, ref.upsampleNearestForward, ref.upsampleNearestBackward),
  twin: courseImpl(...io, twin.upsampleNearestForward, twin.upsampleNearestBackward),
  validate: ({ x }, params) => void ref.validateUpsampleNearest(x, params),
  sample: resampleSamples({ N: 2, C: 3, size: 8, out: 20 }),
  gradSample: resampleSamples({ N: 2, C: 2, size: 4, out: 7 }),
  tolerance: resampleTolerance,
  edgeCases: [
    fixedResample([1, 1, 2, 3], { scale: 2 }, 1), // out = 2·in: ⌊d / 2⌋
    fixedResample([1, 1, 14, 3], { size: [20, 5] }, 2), // float32 index arithmetic: row 10 reads row 7
    fixedResample([2, 1, 3, 4], { scale: 2.2 }, 3), // out = 2·in from a scale ≠ 2: the shortcut wins
    fixedResample([1, 2, 3, 2], { scale: 1.3 }, 4), // out = in from a scale ≠ 1: copied
    fixedResample([1, 2, 5, 7], { size: [2, 3] }, 5), // downsampling, non-square
    fixedResample([1, 1, 1, 1], { size: [3, 2] }, 6), // one pixel everywhere
  ],
  errors: resampleErrors('upsample_nearest'),
};
