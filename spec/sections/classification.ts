import { affine } from '../affine';
import type { OpRow } from '../op';
import { relu } from '../relu';
import { softmax_loss } from '../softmax_loss';
import { svm_loss } from '../svm_loss';

/** OPS.md "Classification and building blocks", in its order. */
export const CLASSIFICATION: OpRow[] = [affine, relu, svm_loss, softmax_loss];
