import { describeValue } from '../scripts/grade/protocol';
import { formatShape, tensor, type Tensor } from '../reference/tensor';
import { bothSides, relError as elementRelError, STEP } from '../spec/harness/gradcheck';
import { checkFunction, checkTensor, refuse } from './arguments';

/**
 * cs231n's eval_numerical_gradient(f, x, h): the gradient of a scalar function f at x by centered
 * differences, (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for each element i. x is moved in place and
 * restored, so f may close over it.
 */
export function evalNumericalGradient(f: (x: Tensor) => number, x: Tensor, h: number = STEP): Tensor {
  const name = 'evalNumericalGradient';
  checkFunction(name, 'f', f);
  checkTensor(name, 'x', x);
  if (!(h > 0 && Number.isFinite(h))) refuse(name, 'h', 'a positive finite step', describeValue(h));
  const value = (): number => {
    const y: unknown = f(x);
    if (typeof y !== 'number') refuse(name, "f's result", 'a number (a scalar loss)', describeValue(y));
    return y;
  };
  const grad = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    const { plus, minus } = bothSides(x, i, h, value);
    grad.data[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

/**
 * cs231n's rel_error(x, y): max over elements of |x − y| / max(1e-8, |x| + |y|), for two numbers or
 * two tensors of one shape.
 */
export function relError(x: number | Tensor, y: number | Tensor): number {
  const name = 'relError';
  const a = typeof x === 'number' ? tensor([], [x]) : checkTensor(name, 'x', x);
  const b = typeof y === 'number' ? tensor([], [y]) : checkTensor(name, 'y', y);
  if (formatShape(a.shape) !== formatShape(b.shape)) refuse(name, 'y', `of x's shape ${formatShape(a.shape)}`, formatShape(b.shape));
  return a.data.reduce((worst, v, i) => Math.max(worst, elementRelError(v, b.data[i])), 0);
}
