import { gru_forward } from '../gru_forward';
import { gru_forward_course } from '../gru_forward_course';
import { lstm_forward } from '../lstm_forward';
import { lstm_step } from '../lstm_step';
import { section } from '../harness/op';
import { rnn_forward } from '../rnn_forward';
import { rnn_step } from '../rnn_step';
import { stacked_rnn } from '../stacked_rnn';
import { temporal_affine } from '../temporal_affine';
import { temporal_softmax_loss } from '../temporal_softmax_loss';
import { word_embedding } from '../word_embedding';

/** In the order of docs/ops.md. */
export const SEQUENCE = section('Sequence', [
  word_embedding,
  temporal_affine,
  temporal_softmax_loss,
  rnn_step,
  rnn_forward,
  lstm_step,
  lstm_forward,
  gru_forward,
  gru_forward_course,
  stacked_rnn,
]);
