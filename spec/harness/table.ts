import type { OpRow } from './op';
import { ATTENTION } from '../sections/attention';
import { CLASSIFICATION } from '../sections/classification';
import { CONVOLUTION } from '../sections/convolution';
import { DETECTION } from '../sections/detection';
import { GENERATIVE } from '../sections/generative';
import { NORMALIZATION } from '../sections/normalization';
import { OPTIMIZERS } from '../sections/optimizers';
import { SEQUENCE } from '../sections/sequence';

/**
 * The op table: every check, fixture, coverage column and CLI command iterates these rows. Each
 * file in spec/sections/ names its section and lists its rows in the order of docs/ops.md; a row
 * lives in spec/<op>.ts beside reference/<op>.ts and accelerated/<op>.ts.
 */
export const TABLE: readonly OpRow[] = [
  ...CLASSIFICATION,
  ...NORMALIZATION,
  ...CONVOLUTION,
  ...OPTIMIZERS,
  ...SEQUENCE,
  ...ATTENTION,
  ...DETECTION,
  ...GENERATIVE,
];

export function findRow(id: string): OpRow {
  const row = TABLE.find((r) => r.id === id);
  if (!row) throw new Error(`unknown op "${id}"; known ops: ${TABLE.map((r) => r.id).join(', ')}`);
  return row;
}
