import { affine } from './affine';
import type { OpRow } from './op';
import { relu } from './relu';
import { softmax_loss } from './softmax_loss';
import { svm_loss } from './svm_loss';

/** The op table: every check, fixture, coverage column and CLI command iterates these rows. */
export const TABLE: readonly OpRow[] = [affine, relu, svm_loss, softmax_loss];

export function findRow(id: string): OpRow {
  const row = TABLE.find((r) => r.id === id);
  if (!row) throw new Error(`unknown op "${id}"; known ops: ${TABLE.map((r) => r.id).join(', ')}`);
  return row;
}
