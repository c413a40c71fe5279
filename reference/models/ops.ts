import { add, reshape, type Tensor } from '../tensor';
import { OP_EXPORTS } from './op_modules';

/**
 * The one table of ops every model composes: each op of docs/ops.md a model uses, under the name and
 * signature of reference/<op>.ts, plus the tensor helpers all of them need (add, constant, view,
 * release, scope). A model is written once over this table (generic in the tensor type T) and runs on
 * either backend: REFERENCE_MODEL_OPS below (float64, host tensors) or WEBGPU_MODEL_OPS in
 * accelerated/models/ops.ts (the twins, tensors kept on the device); each backend carries its table
 * (Backend.ops). Each family extends the table with pieces of its own: layers.ts (the tape of the
 * classifiers, the detector and style transfer), detector.ts, generative_layers.ts (vae, gan, simclr),
 * captioning_ops.ts (the captioners); caches are opaque.
 *
 * Adding a model op is one edit: its name in MODEL_OP_NAMES. Both tables pick it from the op
 * modules' exports (op_modules.ts of each side), and its signature in ModelOpTable is the reference
 * function's, with Tensor replaced by T and caches opaque.
 */
export const MODEL_OP_NAMES = [
  'affineForward',
  'affineBackward',
  'reluForward',
  'reluBackward',
  'leakyReluForward',
  'leakyReluBackward',
  'tanhForward',
  'tanhBackward',
  'sigmoidForward',
  'conv2dForward',
  'conv2dBackward',
  'convTranspose2dForward',
  'convTranspose2dBackward',
  'maxPool2dForward',
  'maxPool2dBackward',
  'avgPool2dForward',
  'avgPool2dBackward',
  'globalAvgPoolForward',
  'globalAvgPoolBackward',
  'batchnormForward',
  'batchnormBackward',
  'spatialBatchnormForward',
  'spatialBatchnormBackward',
  'layernormForward',
  'layernormBackward',
  'dropoutForward',
  'dropoutBackward',
  'softmaxLossForward',
  'softmaxLossBackward',
  'svmLossForward',
  'svmLossBackward',
  'l2RegularizationForward',
  'l2RegularizationBackward',
  'reparameterizeForward',
  'reparameterizeBackward',
  'klGaussianForward',
  'klGaussianBackward',
  'bceWithLogitsForward',
  'bceWithLogitsBackward',
  'discriminatorLossForward',
  'discriminatorLossBackward',
  'generatorLossForward',
  'generatorLossBackward',
  'ntXentForward',
  'ntXentBackward',
  'gramMatrixForward',
  'contentLossForward',
  'contentLossBackward',
  'styleLossForward',
  'styleLossBackward',
  'tvLossForward',
  'tvLossBackward',
  'wordEmbeddingForward',
  'wordEmbeddingBackward',
  'temporalAffineForward',
  'temporalAffineBackward',
  'temporalSoftmaxLossForward',
  'temporalSoftmaxLossBackward',
  'rnnForward',
  'rnnBackward',
  'rnnStepForward',
  'lstmStepForward',
  'lstmStepBackward',
  'dotProductAttentionStepForward',
  'dotProductAttentionStepBackward',
  'positionalEncodingForward',
  'transformerDecoderLayerForward',
  'transformerDecoderLayerBackward',
] as const;

export type ModelOpName = (typeof MODEL_OP_NAMES)[number];

/** The reference functions by model op name: the op modules' exports, with the vectorized variant where an op has two. */
const REFERENCE_FUNCTIONS = {
  ...OP_EXPORTS,
  softmaxLossForward: OP_EXPORTS.softmaxLossVectorizedForward,
  softmaxLossBackward: OP_EXPORTS.softmaxLossVectorizedBackward,
  svmLossForward: OP_EXPORTS.svmLossVectorizedForward,
  svmLossBackward: OP_EXPORTS.svmLossVectorizedBackward,
  ntXentForward: OP_EXPORTS.ntXentVectorizedForward,
  ntXentBackward: OP_EXPORTS.ntXentVectorizedBackward,
};

/** A reference type on a backend of tensor type T: Tensor becomes T (through arrays, tuples and objects), a `cache` field opaque. */
type OnBackend<X, T> = X extends Tensor
  ? T
  : X extends readonly unknown[]
    ? { [K in keyof X]: OnBackend<X[K], T> }
    : X extends object
      ? { [K in keyof X]: K extends 'cache' ? unknown : OnBackend<X[K], T> }
      : X;

/** A backward's arguments on T: the upstream gradients, then the cache (opaque). */
type BackwardArgs<A, T> = A extends [...infer Upstream, unknown] ? [...OnBackend<Upstream, T>, cache: unknown] : never;

/**
 * Op `name` of reference function F on T, as a method: its parameters are bivariant, so a twin's
 * backward, which takes its own cache type, fits the opaque cache.
 */
type ModelOp<Name, F, T> = F extends (...args: infer A) => infer R
  ? { op(...args: Name extends `${string}Backward` ? BackwardArgs<A, T> : OnBackend<A, T>): OnBackend<R, T> }['op']
  : never;

/** The helpers every model needs beside the ops. */
export interface ModelOpHelpers<T> {
  /** a + b (a fresh tensor). */
  add(a: T, b: T): T;
  /** A host tensor on the backend of `like` (the upstream gradient 1 of a loss, zero biases). */
  constant(like: T, t: Tensor): T;
  /** The same data under another shape of equal size (no copy: the view shares t's storage and is never freed on its own). */
  view(t: T, shape: readonly number[]): T;
  /** Frees device memory (nothing on the reference). */
  release(...ts: T[]): void;
  /** Runs fn, then frees the device tensors it made except those in its result (accelerated/runtime/scope.ts; on the reference it only runs fn). */
  scope<R>(fn: () => R): R;
}

export type ModelOpTable<T> = { [Name in ModelOpName]: ModelOp<Name, (typeof REFERENCE_FUNCTIONS)[Name], T> } & ModelOpHelpers<T>;

/** A forward's result that is not a loss. */
export interface Pass<T> {
  out: T;
  cache: unknown;
}

/** The model ops among a side's exports (the twins' are checked against ModelOpTable where the table is built). */
export function pickModelOps<E extends Record<ModelOpName, unknown>>(exports: E): Pick<E, ModelOpName> {
  return Object.fromEntries(MODEL_OP_NAMES.map((name) => [name, exports[name]])) as Pick<E, ModelOpName>;
}

/** The reference ops (the vectorized variant where an op has two). */
export const REFERENCE_MODEL_OPS: ModelOpTable<Tensor> = {
  ...pickModelOps(REFERENCE_FUNCTIONS),
  add,
  constant: (_like, t) => t,
  view: reshape,
  release: () => undefined,
  scope: (fn) => fn(),
};
