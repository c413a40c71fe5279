import { lstm_forward } from '../lstm_forward';
import { lstm_step } from '../lstm_step';
import type { OpRow } from '../op';
import { rnn_forward } from '../rnn_forward';
import { rnn_step } from '../rnn_step';
import { temporal_affine } from '../temporal_affine';
import { temporal_softmax_loss } from '../temporal_softmax_loss';
import { word_embedding } from '../word_embedding';

/** OPS.md "Sequence", in its order. */
export const SEQUENCE: OpRow[] = [
  word_embedding,
  temporal_affine,
  temporal_softmax_loss,
  rnn_step,
  rnn_forward,
  lstm_step,
  lstm_forward,
];
