/** Gallery: relu whose forward never returns. */
interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function reluForward(x: Tensor) {
  let i = 0;
  while (i >= 0) i = (i + 1) % 10;
  return { out: x, cache: { x } };
}

export { reluBackward } from './correct';
