import { describeValue } from '../scripts/grade/protocol';
import { formatShape, type Tensor, type Tensors } from '../reference/tensor';
import { gradcheck as checkSignature, type GradcheckResult } from '../spec/harness/gradcheck';
import type { Impl, Signature } from '../spec/harness/op';
import { GRADCHECK_THRESHOLD } from '../spec/harness/tolerance';
import { checkFunction, checkInteger, checkNames, checkTensor, checkTensors, refuse } from './arguments';

/**
 * A function under test: named float64 tensors in, named outputs out, with the backward of that
 * call, which maps upstream gradients (one per differentiated output, same shapes) to the
 * gradients `d<input>` of Σ out·dout, as a cs231n `*_backward` does with its cache.
 */
export type Differentiable = (inputs: Tensors) => { outputs: Tensors; backward: (douts: Tensors) => Tensors };

export interface GradcheckOptions {
  /** The inputs to check the gradient of (default all); the others (labels, masks) stay fixed. */
  readonly wrt?: readonly string[];
  /** The outputs that get an upstream gradient (default all), e.g. not a running mean. */
  readonly gradOutputs?: readonly string[];
  /** Seed of the random upstream gradients (default 0). */
  readonly seed?: number;
  /** The largest rel_error that passes (default 1e-7, as cs231n). */
  readonly threshold?: number;
}

const NAME = 'gradcheck';

/**
 * Checks `fn`'s backward against centered differences (h = 1e-5, float64) of Σ out·dout for a
 * random dout, as torch.autograd.gradcheck and cs231n's gradient_check.py do: the suite's own
 * check (spec/harness/gradcheck.ts), with its round-off floor, run on a user's function. The result is
 * torch-like: `ok`, the max rel_error per input, and the worst element.
 */
export function gradcheck(fn: Differentiable, inputs: Tensors, options: GradcheckOptions = {}): GradcheckResult {
  checkFunction(NAME, 'fn', fn);
  const names = Object.keys(checkTensors(NAME, 'inputs', inputs));
  const wrt = checkNames(NAME, 'options.wrt', options.wrt ?? names, names, 'inputs');
  if (wrt.length === 0) refuse(NAME, 'options.wrt', 'at least one input to check', 'none');
  const threshold = options.threshold ?? GRADCHECK_THRESHOLD;
  if (!(threshold > 0)) refuse(NAME, 'options.threshold', 'a positive number', describeValue(threshold));
  const seed = checkInteger(NAME, 'options.seed', options.seed ?? 0, 0);
  const signature: Signature = {
    id: NAME,
    inputs: names.map((name) => ({ name, kind: 'float', differentiable: wrt.includes(name) })),
    gradOutputs: options.gradOutputs,
  };
  const impl: Impl<Tensor> = {
    forward(xs) {
      const result: unknown = fn(xs);
      if (typeof result !== 'object' || result === null) refuse(NAME, "fn's result", '{ outputs, backward }', describeValue(result));
      const { outputs, backward } = result as ReturnType<Differentiable>;
      const outputNames = Object.keys(checkTensors(NAME, "fn's outputs", outputs));
      checkNames(NAME, 'options.gradOutputs', options.gradOutputs ?? outputNames, outputNames, "fn's outputs");
      return { outputs, cache: checkFunction(NAME, "fn's backward", backward) };
    },
    backward(douts, cache) {
      const grads = (cache as ReturnType<Differentiable>['backward'])(douts);
      if (typeof grads !== 'object' || grads === null) refuse(NAME, "backward's result", `{ ${wrt.map((n) => `d${n}`).join(', ')} }`, describeValue(grads));
      for (const name of wrt) {
        const grad = checkTensor(NAME, `backward's d${name}`, grads[`d${name}`]);
        const shape = inputs[name].shape;
        if (formatShape(grad.shape) !== formatShape(shape))
          refuse(NAME, `backward's d${name}.shape`, `${formatShape(shape)} (as ${name})`, formatShape(grad.shape));
      }
      return grads;
    },
  };
  return checkSignature(signature, impl, { inputs, params: {} }, seed, threshold);
}
