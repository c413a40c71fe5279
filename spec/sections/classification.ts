import { affine } from '../affine';
import { dropout } from '../dropout';
import { elu } from '../elu';
import { gelu } from '../gelu';
import { knn } from '../knn';
import { l2_regularization } from '../l2_regularization';
import { leaky_relu } from '../leaky_relu';
import { log_softmax } from '../log_softmax';
import { section } from '../harness/op';
import { relu } from '../relu';
import { selu } from '../selu';
import { sigmoid } from '../sigmoid';
import { softmax } from '../softmax';
import { softmax_loss } from '../softmax_loss';
import { svm_loss } from '../svm_loss';
import { tanh } from '../tanh';

/** In the order of docs/ops.md (the first four rows came first). */
export const CLASSIFICATION = section('Classification and building blocks', [
  affine,
  relu,
  svm_loss,
  softmax_loss,
  sigmoid,
  tanh,
  leaky_relu,
  elu,
  selu,
  gelu,
  softmax,
  log_softmax,
  dropout,
  l2_regularization,
  knn,
]);
