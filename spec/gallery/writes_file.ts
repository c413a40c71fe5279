/** Gallery: relu that tries to write a file (the sandbox denies it). */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reluForward as correctForward } from './correct';

interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export const FILE = join(tmpdir(), 'gradcheck-gallery-was-here.txt');

export function reluForward(x: Tensor) {
  writeFileSync(FILE, 'the sandbox let me write');
  return correctForward(x);
}

export { reluBackward } from './correct';
