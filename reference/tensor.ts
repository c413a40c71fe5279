/**
 * The reference tensor: a shape and a row-major Float64Array.
 * Integer tensors (labels, indices) use the same type and hold whole numbers.
 */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export type Tensors = Record<string, Tensor>;

/** Number of elements of a shape; the empty shape [] is a scalar with one element. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function tensor(shape: readonly number[], data?: ArrayLike<number>): Tensor {
  const n = numel(shape);
  if (data !== undefined && data.length !== n) {
    throw new Error(`tensor: data has ${data.length} elements, shape ${formatShape(shape)} needs ${n}`);
  }
  return { shape: [...shape], data: data === undefined ? new Float64Array(n) : Float64Array.from(data) };
}

export function zeros(shape: readonly number[]): Tensor {
  return tensor(shape);
}

export const scalar = (value: number): Tensor => tensor([], [value]);

/** Rows `rows` of t along its first axis (a minibatch of images, labels or targets). */
export function takeRows(t: Tensor, rows: readonly number[]): Tensor {
  const D = numel(t.shape.slice(1));
  const out = tensor([rows.length, ...t.shape.slice(1)]);
  rows.forEach((r, i) => out.data.set(t.data.subarray(r * D, (r + 1) * D), i * D));
  return out;
}

/** a + b, elementwise (a's shape; b of the same size). */
export const add = (a: Tensor, b: Tensor): Tensor =>
  tensor(
    a.shape,
    a.data.map((v, i) => v + b.data[i]),
  );

export function clone(t: Tensor): Tensor {
  return tensor(t.shape, t.data);
}

/** Same data viewed with another shape of the same size (no copy). */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  if (numel(shape) !== t.data.length) {
    throw new Error(`reshape: cannot view ${formatShape(t.shape)} as ${formatShape(shape)}`);
  }
  return { shape: [...shape], data: t.data };
}

/** Row-major multi-index of flat position `flat` in `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Flat position `flat` of `shape` as an index, e.g. [1, 2]; a scalar's is []. */
export function formatIndex(flat: number, shape: readonly number[]): string {
  return formatShape(unravel(flat, shape));
}
