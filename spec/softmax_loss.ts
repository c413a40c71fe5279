import fc from 'fast-check';
import * as twin from '../accelerated/softmax_loss';
import * as ref from '../reference/softmax_loss';
import { lossEdgeCases, lossErrors, lossInputs, lossSamples, validateLoss } from './classification';
import { tensor } from '../reference/tensor';
import { makeSample, offsetRows } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const io = [['x', 'y'], ['loss']] as const;

export const softmax_loss: OpDef = {
  id: 'softmax_loss',
  inputs: lossInputs,
  outputs: ['loss'],
  reference: courseImpl(...io, ref.softmaxLossNaiveForward, ref.softmaxLossNaiveBackward),
  variants: { vectorized: courseImpl(...io, ref.softmaxLossVectorizedForward, ref.softmaxLossVectorizedBackward) },
  twin: courseImpl(...io, twin.softmaxLossForward, twin.softmaxLossBackward),
  validate: validateLoss('softmax_loss'),
  // Scores up to ~±12 make the max-subtraction matter without overflowing float32; one case in four
  // offsets each row by ±1000, where exp overflows unless the row's maximum is subtracted first.
  sample: fc.oneof({ arbitrary: lossSamples(60, 20, 4), weight: 3 }, { arbitrary: lossSamples(60, 20, 4, (x) => offsetRows(x, 1000)), weight: 1 }),
  gradSample: lossSamples(5, 6, 2),
  edgeCases: [...lossEdgeCases, makeSample({ x: tensor([2, 3], [1000, 1001, 999, -1000, -1002, -1001]), y: tensor([2], [1, 2]) })],
  errors: lossErrors('softmax_loss'),
};
