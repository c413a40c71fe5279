import { makeRng, randnTensor } from '../rng';
import { scalar, tensor, type Tensor } from '../tensor';
import type { Backend } from './backend';
import { REFERENCE_MODEL_OPS, type ModelOpTable, type Pass } from './ops';

/**
 * What the generative and self-supervised models (vae.ts, gan.ts, simclr.ts) are built from, once
 * for both backends: a model is written against `ModelOps<T>`, the model op table of ops.ts
 * with `axpy`, and each backend supplies them — REFERENCE_OPS here (float64 reference ops),
 * GPU_OPS in accelerated/models/generative_layers.ts (the WebGPU twins, tensors kept on the device).
 * So the twin model is the reference model's composition with every op replaced by its twin.
 *
 * Networks are lists of layers (`Layer`); `netForward` runs one and returns its output with a
 * `backward` that returns dL/dx and the gradient d<param> of each of its parameters. Parameters are
 * named after their layer: `<layer>_W`, `<layer>_b`.
 */
export interface ModelOps<T> extends ModelOpTable<T> {
  /** alpha·a + b */
  axpy(alpha: number, a: T, b: T): T;
}

export const REFERENCE_OPS: ModelOps<Tensor> = {
  ...REFERENCE_MODEL_OPS,
  axpy: (alpha, a, b) =>
    tensor(
      a.shape,
      a.data.map((v, i) => alpha * v + b.data[i]),
    ),
};

/** A layer of a network. `shape` of a reshape is per sample (the batch axis is kept). */
export type Layer =
  | { kind: 'affine'; name: string; in: number; out: number }
  | { kind: 'conv2d' | 'conv_transpose2d'; name: string; in: number; out: number; k: number; stride: number; pad: number }
  | { kind: 'relu' | 'tanh' }
  | { kind: 'leaky_relu'; alpha: number }
  | { kind: 'reshape'; shape: readonly number[] };

/**
 * Initial parameters of the layers, from makeRng(`<tag>:init:<seed>`): weights He-normal,
 * N(0, 2/fan_in) (fan_in = in·k² for convolutions, whose w is (out, in, k, k), and for transposed
 * convolutions, whose w is (in, out, k, k)); biases zero.
 */
export function initLayers(layers: readonly Layer[], tag: string, seed: number): Record<string, Tensor> {
  const rng = makeRng(`${tag}:init:${seed}`);
  const params: Record<string, Tensor> = {};
  for (const layer of layers) {
    switch (layer.kind) {
      case 'affine':
        params[`${layer.name}_W`] = randnTensor([layer.in, layer.out], rng, Math.sqrt(2 / layer.in));
        params[`${layer.name}_b`] = tensor([layer.out]);
        break;
      case 'conv2d':
      case 'conv_transpose2d': {
        const { k } = layer;
        const shape = layer.kind === 'conv2d' ? [layer.out, layer.in, k, k] : [layer.in, layer.out, k, k];
        params[`${layer.name}_W`] = randnTensor(shape, rng, Math.sqrt(2 / (layer.in * k * k)));
        params[`${layer.name}_b`] = tensor([layer.out]);
        break;
      }
      default:
        break;
    }
  }
  return params;
}

/**
 * One forward pass of a network: its output, dL/dx and the parameter gradients from dL/dout. Run it
 * in a scope (ops.scope), which frees its intermediates.
 */
export interface NetPass<T> {
  out: T;
  /** Backpropagates dout through the pass: dx (a view of dout after a leading reshape) and d<param> of each layer parameter. */
  backward(dout: T): { dx: T; grads: Record<string, T> };
}

interface Step<T> {
  layer: Layer;
  out: T;
  cache: unknown;
  inShape: readonly number[];
}

/** Runs `layers` on x (the batch axis first). */
export function netForward<T extends { shape: readonly number[] }>(ops: ModelOps<T>, layers: readonly Layer[], params: Record<string, T>, x: T): NetPass<T> {
  const steps: Step<T>[] = [];
  let h = x;
  for (const layer of layers) {
    const { out, cache } = layerForward(ops, layer, params, h);
    steps.push({ layer, out, cache, inShape: h.shape });
    h = out;
  }
  return {
    out: h,
    backward(dout) {
      const grads: Record<string, T> = {};
      let d = dout;
      for (let k = steps.length - 1; k >= 0; k--) {
        const { layer, cache, inShape } = steps[k];
        d = layer.kind === 'reshape' ? ops.view(d, inShape) : layerBackward(ops, layer, cache, d, grads);
      }
      return { dx: d, grads };
    },
  };
}

/** The layer's param `<layer>_<suffix>`, or an error naming what the params hold. */
function param<T>(params: Record<string, T>, layer: string, suffix: string): T {
  const p = params[`${layer}_${suffix}`];
  if (!p) throw new Error(`model: params lack ${layer}_${suffix} (have ${Object.keys(params).join(', ')})`);
  return p;
}

function layerForward<T extends { shape: readonly number[] }>(ops: ModelOps<T>, layer: Layer, params: Record<string, T>, x: T): Pass<T> {
  switch (layer.kind) {
    case 'affine':
      return ops.affineForward(x, param(params, layer.name, 'W'), param(params, layer.name, 'b'));
    case 'conv2d':
      return ops.conv2dForward(x, param(params, layer.name, 'W'), param(params, layer.name, 'b'), layer);
    case 'conv_transpose2d':
      return ops.convTranspose2dForward(x, param(params, layer.name, 'W'), param(params, layer.name, 'b'), layer);
    case 'relu':
      return ops.reluForward(x);
    case 'leaky_relu':
      return ops.leakyReluForward(x, { alpha: layer.alpha });
    case 'tanh':
      return ops.tanhForward(x);
    case 'reshape':
      return { out: ops.view(x, [x.shape[0], ...layer.shape]), cache: null };
  }
}

/** dx of one layer from its dout; its parameter gradients go into `grads`. */
function layerBackward<T>(ops: ModelOps<T>, layer: Exclude<Layer, { kind: 'reshape' }>, cache: unknown, dout: T, grads: Record<string, T>): T {
  switch (layer.kind) {
    case 'affine':
    case 'conv2d':
    case 'conv_transpose2d': {
      const backward = { affine: ops.affineBackward, conv2d: ops.conv2dBackward, conv_transpose2d: ops.convTranspose2dBackward }[layer.kind];
      const { dx, dw, db } = backward(dout, cache);
      grads[`d${layer.name}_W`] = dw;
      grads[`d${layer.name}_b`] = db;
      return dx;
    }
    case 'relu':
      return ops.reluBackward(dout, cache).dx;
    case 'leaky_relu':
      return ops.leakyReluBackward(dout, cache).dx;
    case 'tanh':
      return ops.tanhBackward(dout, cache).dx;
  }
}

/** The scalar `value` as an upstream gradient on the backend of `like`. */
export const upstream = <T>(ops: ModelOps<T>, like: T, value = 1): T => ops.constant(like, scalar(value));

/**
 * Adam (reference/optimizers.ts adamForward or its twin) over a set of parameters on one backend:
 * m, v and the step count per parameter stay on the backend.
 */
export class Adam<T> {
  private readonly state: Record<string, { m: T; v: T; t: T }> = {};

  constructor(
    private readonly backend: Backend<T>,
    params: Record<string, { shape: readonly number[] }>,
    private readonly config: { lr: number; beta1?: number; beta2?: number },
  ) {
    for (const [name, p] of Object.entries(params)) {
      this.state[name] = { m: backend.upload(tensor(p.shape)), v: backend.upload(tensor(p.shape)), t: backend.upload(scalar(0), 'i32') };
    }
  }

  /**
   * The next params of `names` (the others are passed through); frees the old ones of `names` and
   * the old state. The new params and state outlive any scope the step runs in (backend.keep).
   */
  step(params: Record<string, T>, grads: Record<string, T>): Record<string, T> {
    const next = { ...params };
    for (const [name, s] of Object.entries(this.state)) {
      const dw = grads[`d${name}`];
      if (!dw) throw new Error(`Adam.step: no gradient d${name} for parameter ${name}`);
      const out = this.backend.keep(this.backend.optimizers.adamForward(params[name], dw, s.m, s.v, s.t, this.config));
      this.backend.release(params[name], s.m, s.v, s.t);
      next[name] = out.next_w;
      this.state[name] = { m: out.next_m, v: out.next_v, t: out.next_t };
    }
    return next;
  }

  release(): void {
    for (const s of Object.values(this.state)) this.backend.release(s.m, s.v, s.t);
  }
}
