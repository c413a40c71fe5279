import type { Tensor } from '../tensor';
import type * as optimizers from '../optimizers';
import type { ModelOpTable } from './ops';

/**
 * What the Solver and the models need from a backend, over its tensor type T: the reference
 * (float64 host tensors, reference/models/reference_backend.ts) or the WebGPU twins
 * (device tensors, accelerated/models/backend.ts); accelerated/models/open_backend.ts opens one by name.
 * Only `read`, `readScalar` and `accuracy` read back.
 */
export const BACKEND_NAMES = ['reference', 'webgpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export type OptimizerRule = 'sgd' | 'sgd_momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';

/** The optimizer functions, as both reference/optimizers.ts and accelerated/optimizers.ts export them. */
export interface Optimizers<T> {
  sgdForward(w: T, dw: T, params?: optimizers.SgdParams): Record<string, T>;
  sgdMomentumForward(w: T, dw: T, v: T, params?: optimizers.MomentumParams): Record<string, T>;
  nesterovForward(w: T, dw: T, v: T, params?: optimizers.MomentumParams): Record<string, T>;
  adagradForward(w: T, dw: T, cache: T, params?: optimizers.AdagradParams): Record<string, T>;
  rmspropForward(w: T, dw: T, cache: T, params?: optimizers.RmspropParams): Record<string, T>;
  adamForward(w: T, dw: T, m: T, v: T, t: T, params?: optimizers.AdamParams): Record<string, T>;
}

/**
 * Per-row image shifts of a minibatch (Solver augmentation): row r, images of C channels of
 * size × size (D = C·size²), becomes out[c, i, j] = X[c, i − dy[r], j − dx[r]], 0 outside the image.
 */
export interface ImageShifts {
  size: number;
  dy: readonly number[];
  dx: readonly number[];
}

/** The source offset of pixel (i, j) of an image shifted by (dy, dx), or −1 where it comes from outside. */
export function shiftedSource(size: number, i: number, j: number, dy: number, dx: number): number {
  const [si, sj] = [i - dy, j - dx];
  return si >= 0 && si < size && sj >= 0 && sj < size ? si * size + sj : -1;
}

export interface Backend<T> {
  readonly name: BackendName;
  /** A host tensor on this backend (labels and step counters as 'i32'). */
  upload(t: Tensor, dtype?: 'f32' | 'i32'): T;
  /** Rows `rows` of X (N, D) and of the labels y (N): a minibatch; with `shifts`, each row's image shifted (ImageShifts). */
  gatherRows(X: T, y: T, rows: readonly number[], shifts?: ImageShifts): { X: T; y: T };
  /** Rows `rows` of t (N, …) along its first axis, in t's dtype. */
  takeRows(t: T, rows: readonly number[]): T;
  /** The fraction of rows of scores (N, C) whose arg-max is the label. */
  accuracy(scores: T, y: T): Promise<number>;
  /** t as a host tensor (the reference returns t itself). */
  read(t: T): Promise<Tensor>;
  readScalar(t: T): Promise<number>;
  readonly optimizers: Optimizers<T>;
  /** The model op table on this backend (ops.ts). */
  readonly ops: ModelOpTable<T>;
  /** Frees device memory (nothing on the reference). */
  release(...ts: T[]): void;
  /** Runs fn, then frees the device tensors it made except those in its result (accelerated/runtime/scope.ts; on the reference it only runs fn). */
  scope<R>(fn: () => R): R;
  /** Takes what `value` holds out of every open scope: long-lived state (weights, optimizer moments) whose owner frees it. */
  keep<R>(value: R): R;
}

/**
 * The loss of a model on a minibatch and its gradient for every trainable parameter (named
 * d<param>); `state`: the next values of the model's non-trainable params (Model.state).
 */
export interface LossAndGrads<T> {
  loss: T;
  grads: Record<string, T>;
  state?: Record<string, T>;
}

/**
 * What a training step tells the model: `seed` (a u32) is fresh per step and derived from the
 * Solver's seed and the step number (stepSeed in solver.ts), so dropout draws a new mask each step
 * and the same masks on every backend and rerun.
 */
export interface StepContext {
  seed: number;
}

/**
 * A trainable model on one backend: params keyed by name, as the init makes them. `loss` runs in
 * train mode (batch statistics, dropout), `scores` and `inputGradient` in test mode (running
 * statistics, no dropout).
 */
export interface Model<T> {
  loss(params: Record<string, T>, X: T, y: T, step?: StepContext): LossAndGrads<T>;
  scores(params: Record<string, T>, X: T): T;
  /**
   * The params that are state rather than weights (batch norm running statistics): the optimizer
   * leaves them alone and each step takes their next values from the loss's `state`.
   */
  readonly state?: readonly string[];
  /** dL/dX for an upstream gradient dscores of scores(params, X), test mode (saliency, fooling, class visualization). */
  inputGradient?(params: Record<string, T>, X: T, dscores: T): T;
}
