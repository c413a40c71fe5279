/**
 * Gallery: affine that returns zeros of the right shapes from forward and backward. Self-consistent
 * (the gradient of a constant is zero), so the gradient check alone would pass it: it must earn nothing.
 */
interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

const zeros = (shape: readonly number[]): Tensor => ({ shape: [...shape], data: new Float64Array(shape.reduce((a, b) => a * b, 1)) });

export function affineForward(x: Tensor, w: Tensor, b: Tensor) {
  return { out: zeros([x.shape[0], w.shape[1]]), cache: { x, w, b } };
}

export function affineBackward(_dout: Tensor, cache: { x: Tensor; w: Tensor; b: Tensor }) {
  return { dx: zeros(cache.x.shape), dw: zeros(cache.w.shape), db: zeros(cache.b.shape) };
}
