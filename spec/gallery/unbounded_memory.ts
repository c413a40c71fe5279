/** Gallery: relu that keeps every intermediate array it ever makes (8 MB each, without end). */
interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

const kept: number[][] = [];

export function reluForward(x: Tensor) {
  for (;;) kept.push(new Array<number>(1e6).fill(kept.length));
  return { out: x, cache: { x } };
}

export { reluBackward } from './correct';
