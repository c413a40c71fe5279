import type { Conv2dParams } from '../conv2d';
import { randomBits } from '../init';
import type { PoolParams } from '../pooling';
import { clone, scalar, tensor, type Tensor } from '../tensor';
import type { Model } from './backend';
import { REFERENCE_MODEL_OPS, type ModelOpTable, type Pass } from './ops';

/**
 * The MNIST classifiers (linear, two_layer_net, fc_net, three_layer_conv_net, residual_conv_net),
 * the detector and style transfer's feature net are written once, over the ops of either backend:
 * `Ops<T>` is the model op table of ops.ts (reference ops, or their twins in
 * accelerated/models/layers.ts) with the tape's few helpers, so the twin model composes twins and
 * keeps every tensor on the device.
 *
 * A network is written forward on a `Tape`: each layer calls the op's forward and records how its
 * backward maps the layer's upstream gradient to its input's and to its params' gradients (a
 * small reverse-mode tape; a value used twice, as a residual skip, sums its gradients). A tape
 * runs inside a scope (ops.scope) that frees every intermediate it made (outputs, caches,
 * gradients) except what the pass returns; on the reference a scope only runs its function.
 */

/** The model op table (ops.ts) and the few helpers of the tape. */
export interface Ops<T> extends ModelOpTable<T> {
  /** Only dw and db of conv2dBackward, where the backend can skip dx (a first layer's, unwanted). */
  conv2dParamGrads?(dout: T, cache: unknown): { dw: T; db: T };
  /** Only dx of conv2dBackward, where the backend can skip dw and db (a fixed network's). */
  conv2dInputGrad?(dout: T, cache: unknown): T;
  copy(t: T): T;
}

export const REFERENCE_OPS: Ops<Tensor> = { ...REFERENCE_MODEL_OPS, copy: clone };

/** A value of the network; `grad`: dL/dvalue once the backward has reached it. */
export interface Node<T> {
  readonly value: T;
  grad?: T;
  /** No gradient wanted (the images, in a training step). */
  readonly constant?: boolean;
}

export class Tape<T> {
  /** d<param> of every param a layer used. */
  readonly grads: Record<string, T> = {};
  /** Next running statistics (train mode), keyed by param name. */
  readonly state: Record<string, T> = {};
  private readonly steps: Array<() => void> = [];

  readonly train: boolean;
  private readonly seed: number;
  private readonly paramGrads: boolean;

  /**
   * `train`: batch statistics and dropout, else test mode; `seed`: the step's u32 seed (dropout
   * masks); `paramGrads: false`: the params are fixed (no d<param>, only the inputs' gradients).
   */
  constructor(
    readonly ops: Ops<T>,
    private readonly params: Record<string, T>,
    mode: { train: boolean; seed?: number; paramGrads?: boolean },
  ) {
    this.train = mode.train;
    this.seed = mode.seed ?? 0;
    this.paramGrads = mode.paramGrads ?? true;
  }

  /** X (N, …) viewed as `shape`, the network's input. */
  input(X: T, shape: readonly number[], constant: boolean): Node<T> {
    return { value: this.ops.view(X, shape), constant };
  }

  param(name: string): T {
    const p = this.params[name];
    if (!p) throw new Error(`model: params lack ${name} (have ${Object.keys(this.params).join(', ')})`);
    return p;
  }

  /**
   * x·W + b (x's trailing dimensions flattened, as affine does); without b (before batch norm, whose
   * mean removes any bias: its gradient would be 0) the bias is a zero constant.
   */
  affine(x: Node<T>, W: string, b?: string): Node<T> {
    const w = this.param(W);
    const r = this.ops.affineForward(x.value, w, this.bias(w, 1, b));
    return this.layer(r, (dout) => this.withParams(x, this.ops.affineBackward(dout, r.cache), { dw: W, db: b }));
  }

  /** conv2d with weights W and bias b (or none, as affine). */
  conv(x: Node<T>, W: string, b: string | undefined, params: Conv2dParams): Node<T> {
    const w = this.param(W);
    const r = this.ops.conv2dForward(x.value, w, this.bias(w, 0, b), params);
    const { conv2dParamGrads, conv2dInputGrad } = this.ops;
    if (x.constant && conv2dParamGrads) {
      return this.layer(r, (dout) => this.recordParamGrads(conv2dParamGrads(dout, r.cache), { dw: W, db: b }));
    }
    if (!this.paramGrads && conv2dInputGrad) return this.layer(r, (dout) => this.flow(x, conv2dInputGrad(dout, r.cache)));
    return this.layer(r, (dout) => this.withParams(x, this.ops.conv2dBackward(dout, r.cache), { dw: W, db: b }));
  }

  relu(x: Node<T>): Node<T> {
    const r = this.ops.reluForward(x.value);
    return this.layer(r, (dout) => this.flow(x, this.ops.reluBackward(dout, r.cache).dx));
  }

  maxPool(x: Node<T>, params: PoolParams): Node<T> {
    const r = this.ops.maxPool2dForward(x.value, params);
    return this.layer(r, (dout) => this.flow(x, this.ops.maxPool2dBackward(dout, r.cache).dx));
  }

  avgPool(x: Node<T>, params: PoolParams): Node<T> {
    const r = this.ops.avgPool2dForward(x.value, params);
    return this.layer(r, (dout) => this.flow(x, this.ops.avgPool2dBackward(dout, r.cache).dx));
  }

  globalAvgPool(x: Node<T>): Node<T> {
    const r = this.ops.globalAvgPoolForward(x.value);
    return this.layer(r, (dout) => this.flow(x, this.ops.globalAvgPoolBackward(dout, r.cache).dx));
  }

  /**
   * batchnorm (x of rank 2) or spatial_batchnorm (rank 4) with gamma<k>, beta<k> and the state
   * running_mean<k>, running_var<k>: batch statistics and their running update in train mode, the
   * running statistics in test mode.
   */
  batchnorm(x: Node<T>, k: string): Node<T> {
    const spatial = this.shapeOf(x).length === 4;
    const forward = spatial ? this.ops.spatialBatchnormForward : this.ops.batchnormForward;
    const backward = spatial ? this.ops.spatialBatchnormBackward : this.ops.batchnormBackward;
    const r = forward(x.value, this.param(`gamma${k}`), this.param(`beta${k}`), this.param(`running_mean${k}`), this.param(`running_var${k}`), {
      mode: this.train ? 'train' : 'test',
    });
    if (this.train) Object.assign(this.state, { [`running_mean${k}`]: r.running_mean, [`running_var${k}`]: r.running_var });
    return this.layer(r, (dout) => this.normGrads(x, backward(dout, r.cache), k));
  }

  /** layernorm with gamma<k>, beta<k> (the same in both modes). */
  layernorm(x: Node<T>, k: string): Node<T> {
    const r = this.ops.layernormForward(x.value, this.param(`gamma${k}`), this.param(`beta${k}`));
    return this.layer(r, (dout) => this.normGrads(x, this.ops.layernormBackward(dout, r.cache), k));
  }

  /** Inverted dropout with drop probability p in train mode, its mask seeded by the step's seed and `layer`; the identity in test mode. */
  dropout(x: Node<T>, p: number, layer: number): Node<T> {
    if (!this.train || p === 0) return x;
    const r = this.ops.dropoutForward(x.value, { p, train: true, seed: randomBits(this.seed, layer) });
    return this.layer(r, (dout) => this.flow(x, this.ops.dropoutBackward(dout, r.cache).dx));
  }

  /** a + b (a residual connection): both receive the sum's gradient. */
  add(a: Node<T>, b: Node<T>): Node<T> {
    return this.layer({ out: this.ops.add(a.value, b.value), cache: null }, (dout) => {
      this.flow(a, dout);
      this.flow(b, dout);
    });
  }

  /** x under another shape (flattening before an affine layer, or images from rows). */
  reshape(x: Node<T>, shape: readonly number[]): Node<T> {
    const y: Node<T> = { value: this.ops.view(x.value, shape) };
    this.steps.push(() => {
      if (y.grad) this.flow(x, this.ops.view(y.grad, this.shapeOf(x)));
    });
    return y;
  }

  /**
   * A one-input layer of an op outside the list above (a model's own data movement): its forward's
   * result and how its backward maps dout to a fresh dx.
   */
  custom(x: Node<T>, r: Pass<T>, dx: (dout: T, cache: unknown) => T): Node<T> {
    return this.layer(r, (dout) => this.flow(x, dx(dout, r.cache)));
  }

  /** Runs the recorded backwards from the outputs, each with its gradient (the caller's; one node's gradients are summed). */
  backward(...outputs: ReadonlyArray<readonly [Node<T>, T]>): void {
    for (const [out, dout] of outputs) this.flow(out, dout);
    for (let s = this.steps.length - 1; s >= 0; s--) this.steps[s]();
  }

  /** The bias param b, or zeros of the size of `w`'s axis `axis` (its outputs). */
  private bias(w: T, axis: number, b: string | undefined): T {
    if (b) return this.param(b);
    return this.ops.constant(w, tensor([(w as { shape: readonly number[] }).shape[axis]]));
  }

  private shapeOf(x: Node<T>): readonly number[] {
    return (x.value as { shape: readonly number[] }).shape;
  }

  /** A layer's node: its output and its backward, run once its gradient is known. */
  private layer(r: Pass<T>, backward: (dout: T) => void): Node<T> {
    const y: Node<T> = { value: r.out };
    this.steps.push(() => {
      if (y.grad) backward(y.grad);
    });
    return y;
  }

  /** Adds gradient g into x's. */
  private flow(x: Node<T>, g: T): void {
    if (x.constant) return;
    x.grad = x.grad ? this.ops.add(x.grad, g) : g;
  }

  private paramGrad(name: string, g: T): void {
    if (!this.paramGrads) return;
    const old = this.grads[`d${name}`];
    this.grads[`d${name}`] = old ? this.ops.add(old, g) : g;
  }

  private withParams(x: Node<T>, g: { dx: T; dw: T; db: T }, names: { dw: string; db?: string }): void {
    this.flow(x, g.dx);
    this.recordParamGrads(g, names);
  }

  /** The weight's gradient, and the bias's when the layer has a bias param. */
  private recordParamGrads(g: { dw: T; db: T }, names: { dw: string; db?: string }): void {
    this.paramGrad(names.dw, g.dw);
    if (names.db) this.paramGrad(names.db, g.db);
  }

  private normGrads(x: Node<T>, g: { dx: T; dgamma: T; dbeta: T }, k: string): void {
    this.flow(x, g.dx);
    this.paramGrad(`gamma${k}`, g.dgamma);
    this.paramGrad(`beta${k}`, g.dbeta);
  }
}

/** A network: the scores node (N, classes) from the input node, built on the tape. */
export type Network<T> = (tape: Tape<T>, x: Node<T>) => Node<T>;

export interface ClassifierSpec<T> {
  /** One sample's input shape: [1, 28, 28] for images; left out, the rows (N, D) as they are. */
  sample?: readonly number[];
  net: Network<T>;
  /** L2 strength on every param named W… (weights, not biases or normalization params). */
  reg: number;
  /** The non-trainable params (Model.state). */
  state?: readonly string[];
  /** The data loss: softmax_loss (the default) or svm_loss (multiclass hinge). */
  dataLoss?: 'softmax' | 'svm';
}

/**
 * A classifier on the network: L = data_loss(scores, y) + reg·Σ_{W…} ΣW², in train mode; scores
 * and the input gradient in test mode.
 */
export function classifier<T>(ops: Ops<T>, spec: ClassifierSpec<T>): Model<T> {
  const shapeOf = (X: T) => (X as { shape: readonly number[] }).shape;
  const [lossForward, lossBackward] = spec.dataLoss === 'svm' ? [ops.svmLossForward, ops.svmLossBackward] : [ops.softmaxLossForward, ops.softmaxLossBackward];
  function run(params: Record<string, T>, X: T, train: boolean, seed: number, inputGrad: boolean) {
    const tape = new Tape(ops, params, { train, seed, paramGrads: !inputGrad });
    const x = tape.input(X, spec.sample ? [shapeOf(X)[0], ...spec.sample] : shapeOf(X), !inputGrad);
    return { tape, x, scores: spec.net(tape, x) };
  }
  return {
    state: spec.state ?? [],
    scores: (params, X) => ops.scope(() => run(params, X, false, 0, false).scores.value),
    loss: (params, X, y, step) =>
      ops.scope(() => {
        const { tape, scores } = run(params, X, true, step?.seed ?? 0, false);
        const data = lossForward(scores.value, y);
        const dloss = ops.constant(scores.value, scalar(1));
        const dscores = lossBackward(dloss, data.cache).dx;
        tape.backward([scores, dscores]);
        const { grads } = tape;
        let loss = data.loss;
        for (const name of spec.reg === 0 ? [] : Object.keys(params).filter((k) => k.startsWith('W'))) {
          const penalty = ops.l2RegularizationForward(params[name], { reg: spec.reg });
          const dw = ops.l2RegularizationBackward(dloss, penalty.cache).dw;
          [loss, grads[`d${name}`]] = [ops.add(loss, penalty.loss), ops.add(grads[`d${name}`], dw)];
        }
        return { loss, grads, state: tape.state };
      }),
    // A copy: x.grad may be (a view of) the caller's dscores, which the caller frees on its own.
    inputGradient: (params, X, dscores) =>
      ops.scope(() => {
        const { tape, x, scores } = run(params, X, false, 0, true);
        tape.backward([scores, dscores]);
        return ops.copy(ops.view(x.grad!, shapeOf(X)));
      }),
  };
}

/** The σ of a weight's N(0, σ²) init: cs231n's weight_scale, or Kaiming's √(2/fan_in) when weight_scale is 0. */
export function weightScale(weight_scale: number, fanIn: number): number {
  return weight_scale > 0 ? weight_scale : Math.sqrt(2 / fanIn);
}

/** gamma<k> = 1, beta<k> = 0 of C channels and, with running statistics, running_mean<k> = 0, running_var<k> = 1. */
export function normParams(k: string, C: number, running: boolean): Record<string, Tensor> {
  const ones = () => tensor([C], new Float64Array(C).fill(1));
  return {
    [`gamma${k}`]: ones(),
    [`beta${k}`]: tensor([C]),
    ...(running ? { [`running_mean${k}`]: tensor([C]), [`running_var${k}`]: ones() } : {}),
  };
}

/** The state names of normParams(k, …, true) for each k. */
export const runningNames = (ks: readonly string[]): string[] => ks.flatMap((k) => [`running_mean${k}`, `running_var${k}`]);

/**
 * The image shape (1, S, S) of the conv nets' input rows (N, S²): MNIST's 28 unless
 * hyper.image_size says otherwise (tiny instances in the gradient checks); S a multiple of 4.
 */
export function imageShape(op: string, hyper: Record<string, number>): [number, number, number] {
  const S = hyper.image_size ?? 28;
  if (!Number.isInteger(S) || S < 4 || S % 4 !== 0) throw new Error(`${op}: hyper.image_size must be a positive multiple of 4, got ${S}`);
  return [1, S, S];
}
