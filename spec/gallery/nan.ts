/** Gallery: relu computed as x·(x > 0)/(x > 0), which is 0/0 = NaN wherever x ≤ 0. */
interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function reluForward(x: Tensor) {
  return { out: { shape: x.shape, data: x.data.map((v) => (v * Number(v > 0)) / Number(v > 0)) }, cache: { x } };
}

export { reluBackward } from './correct';
