import * as twin from '../accelerated/softmax_loss';
import * as ref from '../reference/softmax_loss';
import { lossEdgeCases, lossErrors, lossInputs, lossSamples, validateLoss } from './classification';
import { courseImpl, type OpRow } from './op';

const io = [['x', 'y'], ['loss']] as const;

export const softmax_loss: OpRow = {
  id: 'softmax_loss',
  section: 'Classification and building blocks',
  inputs: lossInputs,
  outputs: ['loss'],
  reference: courseImpl(...io, ref.softmaxLossNaiveForward, ref.softmaxLossNaiveBackward),
  variants: { vectorized: courseImpl(...io, ref.softmaxLossVectorizedForward, ref.softmaxLossVectorizedBackward) },
  twin: courseImpl(...io, twin.softmaxLossForward, twin.softmaxLossBackward),
  validate: validateLoss('softmax_loss'),
  // Scores up to ~±12 make the max-subtraction matter without overflowing float32.
  sample: lossSamples(60, 20, 4),
  gradSample: lossSamples(5, 6, 2),
  edgeCases: lossEdgeCases,
  errors: lossErrors('softmax_loss'),
};
