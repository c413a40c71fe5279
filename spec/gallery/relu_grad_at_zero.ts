/**
 * Gallery: relu whose backward passes the gradient through at x = 0 (x >= 0), the opposite of the
 * stated convention (dx = 0 at 0). Right everywhere else, so only the cases at the kink catch it.
 */
interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function reluForward(x: Tensor) {
  return { out: { shape: [...x.shape], data: x.data.map((v) => Math.max(0, v)) }, cache: { x } };
}

export function reluBackward(dout: Tensor, cache: { x: Tensor }) {
  return { dx: { shape: [...cache.x.shape], data: dout.data.map((g, i) => (cache.x.data[i] >= 0 ? g : 0)) } };
}
