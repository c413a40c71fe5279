import * as twin from '../accelerated/svm_loss';
import * as ref from '../reference/svm_loss';
import { tensor, type Tensor } from '../reference/tensor';
import { makeSample } from './harness/arbitraries';
import { lossEdgeCases, lossErrors, lossInputs, lossSamples, validateLoss } from './classification';
import { courseImpl, type OpDef } from './harness/op';

/** Keeps every hinge margin x_ij − x_iyᵢ + 1 at least 1e-3 away from its kink at 0. */
function marginsOffKink(x: Tensor, y: Tensor): void {
  const [N, C] = x.shape;
  for (let i = 0; i < N; i++) {
    const correct = x.data[i * C + y.data[i]];
    for (let j = 0; j < C; j++) {
      const margin = x.data[i * C + j] - correct + 1;
      if (j !== y.data[i] && Math.abs(margin) < 1e-3) x.data[i * C + j] = correct - 1 + (margin < 0 ? -1e-3 : 1e-3);
    }
  }
}

const io = [['x', 'y'], ['loss']] as const;

export const svm_loss: OpDef = {
  id: 'svm_loss',
  inputs: lossInputs,
  outputs: ['loss'],
  reference: courseImpl(...io, ref.svmLossNaiveForward, ref.svmLossNaiveBackward),
  variants: { vectorized: courseImpl(...io, ref.svmLossVectorizedForward, ref.svmLossVectorizedBackward) },
  twin: courseImpl(...io, twin.svmLossForward, twin.svmLossBackward),
  validate: validateLoss('svm_loss'),
  sample: lossSamples(60, 15, 1, marginsOffKink),
  gradSample: lossSamples(5, 6, 1, marginsOffKink),
  edgeCases: lossEdgeCases,
  kinks: {
    convention: 'a margin x_ij − x_iyᵢ + 1 of exactly 0 is inactive: it adds nothing to the loss and its subgradient is 0',
    // Sample 0: the margin of class 1 is exactly 0, that of class 2 is 2 (active).
    cases: [makeSample({ x: tensor([1, 3], [1, 0, 2]), y: tensor([1], [0]) })],
  },
  errors: lossErrors('svm_loss'),
};
