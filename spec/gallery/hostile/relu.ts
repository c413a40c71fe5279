/**
 * Not a submission: the correct relu the hostile submissions in this folder return after their
 * attack, so that an attack which changes nothing leaves full marks.
 */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function reluForward(x: Tensor) {
  return { out: { shape: [...x.shape], data: x.data.map((v) => Math.max(v, 0)) }, cache: { x } };
}

export function reluBackward(dout: Tensor, cache: { x: Tensor }) {
  return { dx: { shape: [...dout.shape], data: dout.data.map((g, i) => (cache.x.data[i] > 0 ? g : 0)) } };
}
