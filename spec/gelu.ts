import fc from 'fast-check';
import * as twin from '../accelerated/gelu';
import * as ref from '../reference/gelu';
import { activationRow, anyX } from './activations';
import { makeSample } from './harness/arbitraries';

export const gelu = activationRow({
  id: 'gelu',
  reference: [ref.geluForward, ref.geluBackward],
  twin: [twin.geluForward, twin.geluBackward],
  validate: ref.validateGelu,
  params: fc.constantFrom({}, { approximate: 'none' }, { approximate: 'tanh' }),
  edgeParams: [{}, { approximate: 'tanh' }],
  paramErrors: [
    {
      title: 'unknown approximation',
      sample: makeSample({ x: anyX }, { approximate: 'erf' }),
      message: 'gelu: approximate: expected "none" or "tanh", got "erf"',
    },
    {
      title: 'approximate a boolean',
      sample: makeSample({ x: anyX }, { approximate: true }),
      message: 'gelu: approximate: expected "none" or "tanh", got true',
    },
  ],
});
