import { tensor, type Tensor } from './tensor';
import { requireFinite, requirePositiveSizes, requireShape, type Shaped } from './validate';

/**
 * What the elementwise activations (leaky_relu, elu, selu, gelu, sigmoid, tanh) share: the input
 * checks and the two loops. Each op's file states its formula and its derivative; backward is the
 * chain rule dx[i] = dout[i]·f′ evaluated at the element the forward cached (x, or out where f′ is
 * cheaper in terms of the output, as for sigmoid and tanh).
 */
export function validateActivation(op: string, x: Shaped): void {
  requirePositiveSizes(op, 'x', x);
  requireFinite(op, 'x', x);
}

/** out[i] = f(x[i]) */
export function mapElements(x: Tensor, f: (v: number) => number): Tensor {
  const out = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) out.data[i] = f(x.data[i]);
  return out;
}

/** dx[i] = dout[i]·slope(saved[i]), where `saved` is what the forward cached. */
export function chainRule(op: string, dout: Tensor, saved: Tensor, slope: (v: number) => number): Tensor {
  requireShape(`${op}_backward`, 'dout', dout, saved.shape, 'the shape of x');
  const dx = tensor(saved.shape);
  for (let i = 0; i < saved.data.length; i++) dx.data[i] = dout.data[i] * slope(saved.data[i]);
  return dx;
}
