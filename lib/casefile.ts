import { readFileSync, writeFileSync } from 'node:fs';
import type { Tensors } from '../reference/tensor';
import { makeSample } from '../spec/harness/arbitraries';
import { checkCaseFitsRow, makeCase, parseCase, serializeCase, type CaseFile } from '../spec/harness/casefile';
import type { Params } from '../spec/harness/op';
import { checkInteger, checkTensors, opRow } from './arguments';

/**
 * Case files (fixtures/README.md) from a user's code: one op on named inputs, with its expected
 * outputs and, for ops with a backward, an upstream gradient and the expected grads.
 */

/** Reads a case file and checks it: its structure, and that it fits its op's inputs. */
export function readCaseFile(path: string): CaseFile {
  const c = parseCase(readFileSync(path, 'utf8'), path);
  checkCaseFitsRow(opRow(c.op, path), c, path);
  return c;
}

/** Writes `c` in the suite's deterministic text form, after the checks readCaseFile makes. */
export function writeCaseFile(path: string, c: CaseFile): void {
  const checked = parseCase(JSON.stringify(c), `writeCaseFile: ${path}`);
  checkCaseFitsRow(opRow(checked.op, path), checked, `writeCaseFile: ${path}`);
  writeFileSync(path, serializeCase(checked));
}

/**
 * The case of `op` on `inputs` and `params`, evaluated by the float64 reference: its outputs and,
 * for ops with a backward, a random upstream gradient drawn from `seed` and the grads.
 */
export function makeCaseFile(op: string, inputs: Tensors, params: Params = {}, seed = 0): CaseFile {
  const row = opRow(op, 'makeCaseFile');
  checkTensors('makeCaseFile', 'inputs', inputs);
  checkInteger('makeCaseFile', 'seed', seed, 0);
  row.validate(inputs, params);
  return makeCase(row, makeSample(inputs, params), seed);
}
