/**
 * Gallery (bundle): the split submission, part 2: relu.
 */
import type { Tensor } from './lib/tensor';

export function reluForward(x: Tensor) {
  return { out: { shape: x.shape, data: x.data.map((v) => Math.max(0, v)) }, cache: { x } };
}

export function reluBackward(dout: Tensor, cache: { x: Tensor }) {
  return { dx: { shape: dout.shape, data: dout.data.map((g, i) => (cache.x.data[i] > 0 ? g : 0)) } };
}
