import * as twin from '../accelerated/log_softmax';
import * as ref from '../reference/log_softmax';
import { lastAxisRow } from './softmax';

export const log_softmax = lastAxisRow(
  'log_softmax',
  [ref.logSoftmaxForward, ref.logSoftmaxBackward],
  [twin.logSoftmaxForward, twin.logSoftmaxBackward],
  ref.validateLogSoftmax,
);
