import { takeRows, type Tensor } from '../tensor';
import type { Backend } from './backend';
import { Adam, type ModelOps } from './generative_layers';
import type { Dataset } from './mnist';
import { minibatches } from './solver';

/**
 * What the training loops of the generative and self-supervised models share (vae.ts trainVae,
 * gan.ts trainGan, simclr.ts trainSimclr), written once over the backend's tensor type T: Adam
 * over the seeded minibatches of solver.ts, a progress tick per step and a report line per epoch.
 * Data: raw MNIST rows, pixels in [0, 1] (mnist.ts loadRawMnist). Every random draw (noise, latent
 * codes, augmentations) comes from makeRng on the host and is uploaded, so both backends see the
 * same numbers.
 */

/** What the trainers need of a backend: Backend<T>, the ops the models are composed of, and the kNN pieces. */
export interface GenerativeBackend<T> {
  backend: Backend<T>;
  /** REFERENCE_OPS or the twins' GPU_OPS (generative_layers.ts). */
  ops: ModelOps<T>;
  knnAccuracy(X_train: T, y_train: T, X: T, y: T, k: number): Promise<number>;
  /** Euclidean distances (N, M) of the rows of X to those of X_train, read back. */
  distances(X_train: T, y_train: T, X: T): Promise<Tensor>;
}

/** Tensors of the generative models: device or host, with a shape. */
export type Shaped = { shape: readonly number[] };

export interface GenerativeData {
  train: Dataset;
  test: Dataset;
}

/** Epochs, minibatch size, Adam's lr and beta1, and the seed of the init, the shuffles and the draws. */
export interface TrainConfig {
  epochs: number;
  batch_size: number;
  lr: number;
  beta1?: number;
  seed: number;
}

export interface TrainOptions {
  /** Also return the images of the sample grids (host tensors). */
  images?: boolean;
  onIteration?(iteration: number, total: number, loss: number): void;
  onReport?(line: string): void;
}

export interface TrainHistory {
  /** Every step's losses. */
  history: number[][];
  /** Each epoch's mean of every loss. */
  epochMeans: number[][];
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * config.epochs epochs over the seeded minibatches of N rows: `step` trains on one minibatch and
 * returns its losses (one or more numbers); a progress tick per step (with the first loss) and a
 * report line per epoch (`describe` of the epoch's mean losses).
 */
export async function trainEpochs(
  N: number,
  config: TrainConfig,
  options: TrainOptions,
  step: (rows: number[]) => Promise<number[]>,
  describe: (means: number[]) => string,
): Promise<TrainHistory> {
  const history: number[][] = [];
  const epochMeans: number[][] = [];
  const total = config.epochs * Math.ceil(N / config.batch_size);
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const start = history.length;
    for (const rows of minibatches(N, config.batch_size, config.seed, epoch)) {
      const losses = await step(rows);
      history.push(losses);
      options.onIteration?.(history.length, total, losses[0]);
    }
    const epochLosses = history.slice(start);
    epochMeans.push(epochLosses[0].map((_, k) => mean(epochLosses.map((l) => l[k]))));
    options.onReport?.(`epoch ${epoch + 1}: ${describe(epochMeans[epoch])}`);
  }
  return { history, epochMeans };
}

/** An Adam over `params` with the config's lr and beta1. */
export const adamFor = <T extends Shaped>(backend: Backend<T>, params: Record<string, T>, config: TrainConfig): Adam<T> =>
  new Adam(backend, params, { lr: config.lr, beta1: config.beta1 });

/**
 * One set of params trained by Adam over the rows of the training data (trainEpochs): `lossOf`
 * gives the loss and the gradients of `params` on a minibatch's rows. Returns the trained params
 * and the losses; the initial params are freed.
 */
export async function trainWithAdam<T extends Shaped>(
  backend: Backend<T>,
  params: Record<string, T>,
  N: number,
  config: TrainConfig,
  options: TrainOptions,
  lossOf: (params: Record<string, T>, rows: number[]) => { loss: T; grads: Record<string, T> },
  describe: (means: number[]) => string,
): Promise<TrainHistory & { params: Record<string, T> }> {
  const adam = adamFor(backend, params, config);
  let current = params;
  const losses = await trainEpochs(
    N,
    config,
    options,
    (rows) =>
      backend.scope(async () => {
        const { loss, grads } = lossOf(current, rows);
        current = adam.step(current, grads);
        return [await backend.readScalar(loss)];
      }),
    describe,
  );
  adam.release();
  return { ...losses, params: current };
}

export const uploadAll = <T>(backend: Backend<T>, params: Record<string, Tensor>): Record<string, T> =>
  Object.fromEntries(Object.entries(params).map(([k, t]) => [k, backend.upload(t)]));

/** Reads back every tensor of a parameter set. */
export async function readAll<T>(backend: Backend<T>, params: Record<string, T>): Promise<Record<string, Tensor>> {
  return Object.fromEntries(await Promise.all(Object.entries(params).map(async ([k, t]) => [k, await backend.read(t)] as const)));
}

/** The first min(n, N) rows of X. */
export const firstRows = (X: Tensor, n: number): Tensor =>
  takeRows(
    X,
    Array.from({ length: Math.min(n, X.shape[0]) }, (_, i) => i),
  );
