import fc from 'fast-check';
import * as twin from '../accelerated/elu';
import * as ref from '../reference/elu';
import { activationRow, anyX } from './activations';
import { makeSample } from './harness/arbitraries';

export const elu = activationRow({
  id: 'elu',
  reference: [ref.eluForward, ref.eluBackward],
  twin: [twin.eluForward, twin.eluBackward],
  validate: ref.validateElu,
  params: fc.oneof(fc.constant({}), fc.record({ alpha: fc.double({ min: 0, max: 3, noNaN: true }) })),
  edgeParams: [{}, { alpha: 0.5 }],
  // At alpha = 1 the slope is continuous at 0 but the curvature jumps, which still spoils differences there.
  kinkAtZero: { convention: 'at x = 0 the slope is alpha·e⁰ = alpha, the negative side’s (as PyTorch): dx = dout where x > 0, else alpha·eˣ·dout' },
  paramErrors: [
    { title: 'Infinity alpha', sample: makeSample({ x: anyX }, { alpha: Infinity }), message: 'elu: alpha: expected a number, got Infinity' },
    { title: 'alpha an array', sample: makeSample({ x: anyX }, { alpha: [1] }), message: 'elu: alpha: expected a number, got [1]' },
  ],
});
