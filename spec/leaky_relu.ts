import fc from 'fast-check';
import * as twin from '../accelerated/leaky_relu';
import * as ref from '../reference/leaky_relu';
import { activationRow, anyX } from './activations';
import { makeSample } from './harness/arbitraries';

export const leaky_relu = activationRow({
  id: 'leaky_relu',
  reference: [ref.leakyReluForward, ref.leakyReluBackward],
  twin: [twin.leakyReluForward, twin.leakyReluBackward],
  validate: ref.validateLeakyRelu,
  params: fc.oneof(fc.constant({}), fc.record({ alpha: fc.double({ min: -1, max: 2, noNaN: true }) })),
  edgeParams: [{}, { alpha: 0.2 }],
  kinkAtZero: { convention: 'at x = 0 the slope is alpha, the negative side’s (as PyTorch): dx = dout where x > 0, else alpha·dout' },
  paramErrors: [
    { title: 'NaN alpha', sample: makeSample({ x: anyX }, { alpha: NaN }), message: 'leaky_relu: alpha: expected a number, got NaN' },
    { title: 'alpha a string', sample: makeSample({ x: anyX }, { alpha: '0.1' }), message: 'leaky_relu: alpha: expected a number, got "0.1"' },
  ],
});
