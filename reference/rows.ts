import { tensor, type Tensor } from './tensor';

/**
 * Whole-array helpers on (N, C) matrices, used by the vectorized reference variants the way the
 * course's numpy solutions use broadcasting: each helper is one numpy expression.
 */

/** x[arange(N), y] */
export function pick(x: Tensor, y: Tensor): Float64Array {
  const [N, C] = x.shape;
  return Float64Array.from({ length: N }, (_, n) => x.data[n * C + y.data[n]]);
}

/** f(x[n, c], n, c) for every element, like a broadcast expression */
export function mapMatrix(x: Tensor, f: (v: number, n: number, c: number) => number): Tensor {
  const [N, C] = x.shape;
  const out = tensor([N, C]);
  for (let i = 0; i < N * C; i++) out.data[i] = f(x.data[i], Math.floor(i / C), i % C);
  return out;
}

/** x.sum(axis=1) */
export function rowSums(x: Tensor): Float64Array {
  const [N, C] = x.shape;
  const s = new Float64Array(N);
  for (let i = 0; i < N * C; i++) s[Math.floor(i / C)] += x.data[i];
  return s;
}

/** x.max(axis=1) */
export function rowMaxes(x: Tensor): Float64Array {
  const [N, C] = x.shape;
  const m = new Float64Array(N).fill(-Infinity);
  for (let i = 0; i < N * C; i++) m[Math.floor(i / C)] = Math.max(m[Math.floor(i / C)], x.data[i]);
  return m;
}

/** a.sum() */
export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
