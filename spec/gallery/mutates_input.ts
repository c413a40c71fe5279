/** Gallery: relu computed in place, overwriting its input x. */
interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function reluForward(x: Tensor) {
  const mask = x.data.map((v) => Number(v > 0));
  for (let i = 0; i < x.data.length; i++) x.data[i] = Math.max(0, x.data[i]);
  return { out: { shape: x.shape, data: x.data.slice() }, cache: { mask } };
}

export function reluBackward(dout: Tensor, cache: { mask: Float64Array }) {
  return { dx: { shape: dout.shape, data: dout.data.map((g, i) => g * cache.mask[i]) } };
}
