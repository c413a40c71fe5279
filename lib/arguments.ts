import { describeValue } from '../scripts/grade/protocol';
import { formatShape, numel, type Tensor, type Tensors } from '../reference/tensor';
import type { OpRow } from '../spec/harness/op';
import { findRow } from '../spec/harness/table';

/**
 * Checks of the library's arguments: a user's code calls it with whatever it has, so every bad
 * argument is refused with a TypeError that names the function, the argument, what was expected
 * and what came instead.
 */
export function refuse(fn: string, argument: string, expected: string, actual: string): never {
  throw new TypeError(`${fn}: ${argument} must be ${expected}, got ${actual}`);
}

export function checkFunction<F>(fn: string, argument: string, value: F): F {
  if (typeof value !== 'function') refuse(fn, argument, 'a function', describeValue(value));
  return value;
}

/** A reference tensor: `{ shape, data }` with a Float64Array of as many numbers as the shape holds. */
export function checkTensor(fn: string, argument: string, value: unknown): Tensor {
  if (typeof value !== 'object' || value === null) refuse(fn, argument, 'a tensor { shape, data: Float64Array }', describeValue(value));
  const { shape, data } = value as Partial<Tensor>;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    refuse(fn, `${argument}.shape`, 'a list of sizes (non-negative integers)', describeValue(shape));
  }
  if (!(data instanceof Float64Array)) refuse(fn, `${argument}.data`, 'a Float64Array (see tensor(shape, values))', describeValue(data));
  if (data.length !== numel(shape)) {
    refuse(fn, `${argument}.data`, `${numel(shape)} numbers for shape ${formatShape(shape)}`, `${data.length}`);
  }
  return value as Tensor;
}

/** Named tensors, at least one. */
export function checkTensors(fn: string, argument: string, value: unknown): Tensors {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    refuse(fn, argument, 'an object of named tensors', describeValue(value));
  }
  const entries = Object.entries(value);
  if (entries.length === 0) refuse(fn, argument, 'an object of named tensors', 'none');
  entries.forEach(([name, t]) => checkTensor(fn, `${argument}.${name}`, t));
  return value as Tensors;
}

/** A list of names, each one of `known` (the names of `what`). */
export function checkNames(fn: string, argument: string, value: unknown, known: readonly string[], what: string): readonly string[] {
  if (!Array.isArray(value)) refuse(fn, argument, `a list of names of ${what}`, describeValue(value));
  const unknown = value.find((name) => !known.includes(name));
  if (unknown !== undefined) refuse(fn, argument, `names of ${what} (${known.join(', ')})`, describeValue(unknown));
  return value;
}

/** A whole number in [min, ∞). */
export function checkInteger(fn: string, argument: string, value: unknown, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) refuse(fn, argument, `an integer ≥ ${min}`, describeValue(value));
  return value as number;
}

/** The row of op id `op`, or an error naming where the id came from (a function, a case file). */
export function opRow(op: string, source: string): OpRow {
  try {
    return findRow(op);
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`, { cause: e });
  }
}
