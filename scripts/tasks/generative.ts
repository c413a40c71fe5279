import { join } from 'node:path';
import { read, type GpuTensor } from '../../accelerated/runtime/buffers';
import { scope } from '../../accelerated/runtime/scope';
import { getGpu } from '../../accelerated/runtime/device';
import { knnForward as gpuKnnForward } from '../../accelerated/knn';
import { webgpuBackend } from '../../accelerated/models/backend';
import * as gpuGan from '../../accelerated/models/gan';
import * as gpuKnn from '../../accelerated/models/knn';
import * as gpuSimclr from '../../accelerated/models/simclr';
import * as gpuVae from '../../accelerated/models/vae';
import { knnForward } from '../../reference/knn';
import type { Backend } from '../../reference/models/backend';
import { readModelFixture, readSplitFixture } from '../../reference/models/fixtures';
import { dcgan, gan, initGan, mlpGan, type GanArch, type GanModel } from '../../reference/models/gan';
import { Adam } from '../../reference/models/generative_layers';
import * as refKnn from '../../reference/models/knn';
import { IMAGE_SIZE, mnistImages } from '../../reference/models/mnist';
import { referenceBackend } from '../../reference/models/reference_backend';
import { augmentPairs, initSimclr, simclr, type SimclrHyper, type SimclrModel } from '../../reference/models/simclr';
import { minibatches } from '../../reference/models/solver';
import { initVae, vae, type VaeHyper, type VaeModel } from '../../reference/models/vae';
import { makeRng, randnTensor, uniformTensor, type Rng } from '../../reference/rng';
import { reshape, tensor, type Tensor } from '../../reference/tensor';
import { writeImageGrid } from './png';
import type { BackendName, Check, Task, TaskOptions, TaskOutcome } from './task';

/**
 * The generative and self-supervised MNIST tasks (docs/ops.md "Models": VAE, GAN and a small DCGAN,
 * SimCLR head) on either backend. Data: the raw pixels in [0, 1] of the fixture split's train and
 * test rows (fixtures/e2e/mnist-split.json; no mean-image centering: the VAE's Bernoulli targets
 * and the GAN's tanh range need the raw scale). Each fixture fixtures/e2e/<task>.json holds the
 * hyper-parameters (`hyper`), the training settings (`train`: epochs, batch_size, Adam's lr and
 * beta1, seed) and the targets of the checks (`targets`). Every random draw (noise, latent codes,
 * augmentations) comes from makeRng on the host and is uploaded, so both backends see the same
 * numbers. trainVae / trainGan / trainSimclr are what spec/generative_models.test.ts calls, small.
 */
export type GenerativeName = 'vae' | 'gan' | 'dcgan' | 'simclr';

export interface GenerativeFixture {
  model: GenerativeName;
  hyper: Record<string, number>;
  train: { epochs: number; batch_size: number; lr: number; beta1?: number; seed: number };
  targets: Record<string, number>;
}

export const readGenerativeFixture = (name: GenerativeName): GenerativeFixture => readModelFixture(name) as unknown as GenerativeFixture;

export interface GenerativeOptions {
  backend: BackendName;
  epochs?: number;
  seed?: number;
  /** Keep only the first `limit` train and test rows (short runs in the spec suite). */
  limit?: number;
  /** Overrides of the fixture's hyper-parameters and training settings (short runs). */
  hyper?: Record<string, number>;
  train?: Partial<GenerativeFixture['train']>;
  /** Folder for the PNG grids; none written without it. */
  outDir?: string;
  onIteration?(iteration: number, total: number, loss: number): void;
  onReport?(line: string): void;
}

/** What a task needs from a backend besides Backend: reading tensors back and the kNN helpers. */
interface Parts<T> {
  backend: Backend<T>;
  /** The generative models on this backend. */
  models: { vae(hyper: VaeHyper): VaeModel<T>; gan(arch: GanArch): GanModel<T>; simclr(hyper: SimclrHyper): SimclrModel<T> };
  read(t: T): Promise<Tensor>;
  knnAccuracy(X_train: T, y_train: T, X: T, y: T, k: number): Promise<number>;
  /** Euclidean distances (N, M) of the rows of X to those of X_train, read back. */
  distances(X_train: T, y_train: T, X: T): Promise<Tensor>;
}

const REFERENCE_PARTS: Parts<Tensor> = {
  backend: referenceBackend,
  models: { vae, gan, simclr },
  read: async (t) => t,
  knnAccuracy: async (...args) => refKnn.knnAccuracy(...args),
  distances: async (X_train, y_train, X) => knnForward(X_train, y_train, X, { k: 1 }).dists,
};

function gpuParts(backend: Backend<GpuTensor>): Parts<GpuTensor> {
  return {
    backend,
    models: { vae: gpuVae.vae, gan: gpuGan.gan, simclr: gpuSimclr.simclr },
    read,
    knnAccuracy: gpuKnn.knnAccuracy,
    distances: (X_train, y_train, X) => scope(() => read(gpuKnnForward(X_train, y_train, X, { k: 1 }).dists)),
  };
}

/** The raw MNIST rows (N, 784) in [0, 1] of the fixture split's train and test lists, and their labels. */
export function rawMnist(limit = Infinity): { train: { X: Tensor; y: Tensor }; test: { X: Tensor; y: Tensor } } {
  const { pixels, labels } = mnistImages();
  const take = (list: number[]) => {
    const rows = list.slice(0, limit);
    const X = tensor([rows.length, IMAGE_SIZE]);
    rows.forEach((g, i) => X.data.set(pixels.subarray(g * IMAGE_SIZE, (g + 1) * IMAGE_SIZE), i * IMAGE_SIZE));
    return {
      X,
      y: tensor(
        [rows.length],
        rows.map((g) => labels[g]),
      ),
    };
  };
  const split = readSplitFixture();
  return { train: take(split.train), test: take(split.test) };
}

interface Setup {
  fixture: GenerativeFixture;
  hyper: Record<string, number>;
  train: GenerativeFixture['train'];
  data: ReturnType<typeof rawMnist>;
}

function setup(name: GenerativeName, options: GenerativeOptions): Setup {
  const fixture = readGenerativeFixture(name);
  const train = { ...fixture.train, ...options.train };
  if (options.epochs !== undefined) train.epochs = options.epochs;
  if (options.seed !== undefined) train.seed = options.seed;
  return { fixture, hyper: { ...fixture.hyper, ...options.hyper }, train, data: rawMnist(options.limit) };
}

/** Runs `body` on the chosen backend with its parts; adds the wall time in seconds. */
async function onBackend<R>(name: BackendName, body: <T>(parts: Parts<T>) => Promise<R>): Promise<R & { seconds: number }> {
  const started = performance.now();
  const result = name === 'reference' ? await body(REFERENCE_PARTS) : await body(gpuParts(webgpuBackend(await getGpu())));
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

/** Initial params on the backend and an Adam over them with the fixture's lr and beta1. */
function trainable<T>(backend: Backend<T>, init: Record<string, Tensor>, train: GenerativeFixture['train']): { params: Record<string, T>; adam: Adam<T> } {
  return { params: uploadAll(backend, init), adam: new Adam(backend, init, { lr: train.lr, beta1: train.beta1 }) };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Reads back every tensor of a parameter set. */
async function readAll<T>(parts: Parts<T>, params: Record<string, T>): Promise<Record<string, Tensor>> {
  return Object.fromEntries(await Promise.all(Object.entries(params).map(async ([k, t]) => [k, await parts.read(t)] as const)));
}

const uploadAll = <T>(backend: Backend<T>, params: Record<string, Tensor>): Record<string, T> =>
  Object.fromEntries(Object.entries(params).map(([k, t]) => [k, backend.upload(t)]));

/** Rows `rows` of X (N, D) as a host tensor. */
function rowsOf(X: Tensor, rows: readonly number[]): Tensor {
  const D = X.shape[1];
  const out = tensor([rows.length, D]);
  rows.forEach((r, i) => out.data.set(X.data.subarray(r * D, (r + 1) * D), i * D));
  return out;
}

/** The first min(n, N) rows of X. */
const firstRows = (X: Tensor, n: number): Tensor =>
  rowsOf(
    X,
    Array.from({ length: Math.min(n, X.shape[0]) }, (_, i) => i),
  );

/**
 * train.epochs epochs over the seeded minibatches of N rows (solver.ts minibatches): `step` trains
 * on one minibatch and returns its losses (one or more numbers); a progress tick per step (with the
 * first loss) and a report line per epoch (`describe` of the epoch's mean losses). Returns every
 * step's losses and each epoch's means.
 */
async function trainEpochs(
  train: GenerativeFixture['train'],
  N: number,
  options: GenerativeOptions,
  step: (rows: number[]) => Promise<number[]>,
  describe: (means: number[]) => string,
): Promise<{ history: number[][]; epochMeans: number[][] }> {
  const history: number[][] = [];
  const epochMeans: number[][] = [];
  const total = train.epochs * Math.ceil(N / train.batch_size);
  for (let epoch = 0; epoch < train.epochs; epoch++) {
    const start = history.length;
    for (const rows of minibatches(N, train.batch_size, train.seed, epoch)) {
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

const asImages = (X: Tensor): Tensor => reshape(X, [X.shape[0], 1, 28, 28]);

// ————————————————————————————————————————— VAE —————————————————————————————————————————

export interface VaeResult {
  /** Mean training loss (negative ELBO per image) of each epoch. */
  epochLoss: number[];
  lossHistory: number[];
  /** Negative ELBO per image on the test rows (one sample of z each) and its KL term. */
  testNelbo: number;
  testKl: number;
  params: Record<string, Tensor>;
  files: string[];
  seconds: number;
}

export async function trainVae(options: GenerativeOptions): Promise<VaeResult> {
  const { hyper, train, data } = setup('vae', options);
  const vaeHyper = { pixels: IMAGE_SIZE, hidden: hyper.hidden, latent: hyper.latent };
  return onBackend(options.backend, async <T>(parts: Parts<T>) => {
    const model = parts.models.vae(vaeHyper);
    const { backend } = parts;
    const { adam, params: init } = trainable(backend, initVae(vaeHyper, train.seed), train);
    let params = init;
    const X = backend.upload(data.train.X);
    const y = backend.upload(data.train.y, 'i32');
    const rng = makeRng(`vae:noise:${train.seed}`);
    const { history, epochMeans } = await trainEpochs(
      train,
      data.train.X.shape[0],
      options,
      (rows) =>
        backend.scope(async () => {
          const batch = backend.gatherRows(X, y, rows);
          const eps = backend.upload(randnTensor([rows.length, vaeHyper.latent], rng));
          const { loss, grads } = model.loss(params, batch.X, eps);
          params = adam.step(params, grads);
          return [await backend.readScalar(loss)];
        }),
      ([l]) => `mean −ELBO ${l.toFixed(2)} nats/image`,
    );
    // test −ELBO: one draw of z per image from its own generator
    const [testNelbo, testKl] = await backend.scope(async () => {
      const testEps = backend.upload(randnTensor([data.test.X.shape[0], vaeHyper.latent], makeRng(`vae:test:${train.seed}`)));
      const test = model.loss(params, backend.upload(data.test.X), testEps);
      return [await backend.readScalar(test.loss), await backend.readScalar(test.kl)];
    });
    const files: string[] = [];
    if (options.outDir) {
      const outDir = options.outDir;
      await backend.scope(async () => {
        const z = backend.upload(randnTensor([64, vaeHyper.latent], makeRng(`vae:samples:${train.seed}`)));
        files.push(
          writeImageGrid(join(outDir, `vae-samples-${options.backend}.png`), asImages(await parts.read(model.decode(params, z))), { cols: 8, range: [0, 1] }),
        );
        const originals = backend.upload(firstRows(data.test.X, 32));
        const recon = model.reconstruct(params, originals);
        files.push(
          writeImageGrid(
            join(outDir, `vae-reconstructions-${options.backend}.png`),
            asImages(interleaveRows(await parts.read(originals), await parts.read(recon), 8)),
            { cols: 8, range: [0, 1] },
          ),
        );
      });
    }
    const host = await readAll(parts, params);
    adam.release();
    backend.release(X, y, ...Object.values(params));
    return { epochLoss: epochMeans.flat(), lossHistory: history.flat(), testNelbo, testKl, params: host, files };
  });
}

/** Rows of a and b in alternating blocks of `cols` rows (originals above their reconstructions). */
function interleaveRows(a: Tensor, b: Tensor, cols: number): Tensor {
  const [N, D] = a.shape;
  const out = tensor([2 * N, D]);
  for (let i = 0; i < N; i++) {
    const block = Math.floor(i / cols) * 2 * cols + (i % cols);
    out.data.set(a.data.subarray(i * D, (i + 1) * D), block * D);
    out.data.set(b.data.subarray(i * D, (i + 1) * D), (block + cols) * D);
  }
  return out;
}

// ————————————————————————————————————————— GAN —————————————————————————————————————————

export interface GanResult {
  /** Mean discriminator and generator losses of each epoch. */
  dLoss: number[];
  gLoss: number[];
  /** [L_D, L_G] of every step. */
  lossHistory: Array<[number, number]>;
  /** RMSE between the mean image of eval_samples samples and that of the test rows (pixels in [0, 1]); before and after training. */
  meanImageRmse: { initial: number; final: number };
  /** Mean distance of samples to their nearest training image ÷ the same for test images. */
  nearestRatio: { initial: number; final: number };
  /** Fraction of test images and fresh samples the discriminator classifies right (logit > 0 ⇔ real). */
  dAccuracy: { real: number; fake: number };
  G: Record<string, Tensor>;
  D: Record<string, Tensor>;
  files: string[];
  seconds: number;
}

export function ganArch(name: 'gan' | 'dcgan', hyper: Record<string, number>): GanArch {
  return name === 'gan'
    ? mlpGan({ noise: hyper.noise, hidden: hyper.hidden, alpha: hyper.alpha })
    : dcgan({ noise: hyper.noise, channels: hyper.channels, alpha: hyper.alpha });
}

/** Images in [0, 1] → [−1, 1], the generator's tanh range. */
const toTanhRange = (X: Tensor): Tensor =>
  tensor(
    X.shape,
    X.data.map((v) => 2 * v - 1),
  );

/** Noise z ~ U(−1, 1) (the cs231n notebook's sample_noise). */
const noise = (rng: Rng, N: number, dim: number): Tensor => uniformTensor([N, dim], rng, -1, 1);

export async function trainGan(name: 'gan' | 'dcgan', options: GenerativeOptions): Promise<GanResult> {
  const { hyper, train, data } = setup(name, options);
  const arch = ganArch(name, hyper);
  return onBackend(options.backend, async <T>(parts: Parts<T>) => {
    const model = parts.models.gan(arch);
    const { backend } = parts;
    const init = initGan(arch, train.seed);
    const [generator, discriminator] = [trainable(backend, init.G, train), trainable(backend, init.D, train)];
    const [adamG, adamD] = [generator.adam, discriminator.adam];
    let [G, D] = [generator.params, discriminator.params];
    const X = backend.upload(toTanhRange(data.train.X));
    const y = backend.upload(data.train.y, 'i32');
    const stats = new SampleStats(parts, data, hyper.eval_samples, `${name}:eval:${train.seed}`, arch.noise);
    const initial = await stats.measure((z) => model.generate(G, z));
    const rng = makeRng(`${name}:noise:${train.seed}`);
    const { history, epochMeans } = await trainEpochs(
      train,
      data.train.X.shape[0],
      options,
      (rows) =>
        backend.scope(async () => {
          const batch = backend.gatherRows(X, y, rows);
          const zD = backend.upload(noise(rng, rows.length, arch.noise));
          const d = model.discriminatorLoss(G, D, batch.X, zD);
          D = adamD.step(D, d.grads);
          const zG = backend.upload(noise(rng, rows.length, arch.noise));
          const g = model.generatorLoss(G, D, zG);
          G = adamG.step(G, g.grads);
          return [await backend.readScalar(d.loss), await backend.readScalar(g.loss)];
        }),
      ([d, g]) => `mean L_D ${d.toFixed(3)}  mean L_G ${g.toFixed(3)}`,
    );
    const final = await stats.measure((z) => model.generate(G, z));
    const dAccuracy = await discriminatorAccuracy(parts, model, G, D, data.test.X, stats.z);
    const files: string[] = [];
    if (options.outDir) {
      const outDir = options.outDir;
      await backend.scope(async () => {
        const z = backend.upload(noise(makeRng(`${name}:samples:${train.seed}`), 64, arch.noise));
        files.push(
          writeImageGrid(join(outDir, `${name}-samples-${options.backend}.png`), asImages(await parts.read(model.generate(G, z))), { cols: 8, range: [-1, 1] }),
        );
      });
    }
    const host = { G: await readAll(parts, G), D: await readAll(parts, D) };
    stats.release();
    adamG.release();
    adamD.release();
    backend.release(X, y, ...Object.values(G), ...Object.values(D));
    return {
      dLoss: epochMeans.map((l) => l[0]),
      gLoss: epochMeans.map((l) => l[1]),
      lossHistory: history as Array<[number, number]>,
      dAccuracy,
      files,
      ...host,
      meanImageRmse: { initial: initial.meanImageRmse, final: final.meanImageRmse },
      nearestRatio: { initial: initial.nearestRatio, final: final.nearestRatio },
    };
  });
}

/**
 * Statistics of generated samples against the data (pixels in [0, 1]), from a fixed set of
 * latent codes: the RMSE between the samples' mean image and the test rows' mean image, and the
 * mean Euclidean distance from a sample to its nearest training image divided by that of a test
 * image to its nearest training image (≈ 1 when samples sit as close to the data as unseen digits do).
 */
class SampleStats<T> {
  readonly z: T;
  private readonly train: T;
  private readonly trainLabels: T;
  private readonly testMean: Float64Array;
  private testNearest?: number;

  constructor(
    private readonly parts: Parts<T>,
    private readonly data: ReturnType<typeof rawMnist>,
    count: number,
    tag: string,
    dim: number,
  ) {
    this.z = parts.backend.upload(noise(makeRng(tag), count, dim));
    this.train = parts.backend.upload(data.train.X);
    this.trainLabels = parts.backend.upload(data.train.y, 'i32');
    this.testMean = columnMeans(data.test.X);
  }

  async measure(generate: (z: T) => T): Promise<{ meanImageRmse: number; nearestRatio: number }> {
    const host = await this.parts.backend.scope(() => this.parts.read(generate(this.z)));
    const images = tensor(
      host.shape,
      host.data.map((v) => (v + 1) / 2),
    );
    const sampleMean = columnMeans(images);
    const meanImageRmse = Math.sqrt(mean(Array.from(sampleMean, (v, d) => (v - this.testMean[d]) ** 2)));
    this.testNearest ??= await this.nearest(firstRows(this.data.test.X, images.shape[0]));
    return { meanImageRmse, nearestRatio: (await this.nearest(images)) / this.testNearest };
  }

  release(): void {
    this.parts.backend.release(this.z, this.train, this.trainLabels);
  }

  /** Mean over the rows of X of the distance to the nearest training row. */
  private async nearest(X: Tensor): Promise<number> {
    const dists = await this.parts.backend.scope(() => this.parts.distances(this.train, this.trainLabels, this.parts.backend.upload(X)));
    const [N, M] = dists.shape;
    let sum = 0;
    for (let i = 0; i < N; i++) {
      let best = Infinity;
      for (let j = 0; j < M; j++) best = Math.min(best, dists.data[i * M + j]);
      sum += best;
    }
    return sum / N;
  }
}

function columnMeans(X: Tensor): Float64Array {
  const [N, D] = X.shape;
  const out = new Float64Array(D);
  for (let i = 0; i < N * D; i++) out[i % D] += X.data[i] / N;
  return out;
}

/** The discriminator's accuracy on the test images (real) and on G(z) (fake), threshold logit 0. */
async function discriminatorAccuracy<T>(parts: Parts<T>, model: GanModel<T>, G: Record<string, T>, D: Record<string, T>, testX: Tensor, z: T) {
  const [r, f] = await parts.backend.scope(async () => {
    const real = parts.backend.upload(toTanhRange(firstRows(testX, (z as { shape: readonly number[] }).shape[0])));
    const { logitsReal, logitsFake } = model.discriminatorLoss(G, D, real, z);
    return [await parts.read(logitsReal), await parts.read(logitsFake)];
  });
  return { real: mean(Array.from(r.data, (v) => (v > 0 ? 1 : 0))), fake: mean(Array.from(f.data, (v) => (v < 0 ? 1 : 0))) };
}

// ————————————————————————————————————————— SimCLR —————————————————————————————————————————

export interface SimclrResult {
  lossHistory: number[];
  epochLoss: number[];
  /** kNN test accuracy on the learned representation h, on h of the untrained encoder, and on raw pixels. */
  probe: { learned: number; untrained: number; pixels: number };
  /**
   * The same on test images shifted as the augmentation shifts them (one seeded view each, no
   * noise), the training images unshifted: how much of the augmentations' invariance each holds.
   */
  shiftedProbe: { learned: number; untrained: number; pixels: number };
  params: Record<string, Tensor>;
  seconds: number;
}

export async function trainSimclr(options: GenerativeOptions): Promise<SimclrResult> {
  const { hyper, train, data } = setup('simclr', options);
  const simHyper = { pixels: IMAGE_SIZE, hidden: hyper.hidden, projection: hyper.projection, tau: hyper.tau };
  const augment = { shift: hyper.shift, noise: hyper.noise };
  return onBackend(options.backend, async <T>(parts: Parts<T>) => {
    const model = parts.models.simclr(simHyper);
    const { backend } = parts;
    const { adam, params: init } = trainable(backend, initSimclr(simHyper, train.seed), train);
    let params = init;
    const nTest = data.test.X.shape[0];
    const shifted = augmentPairs(data.test.X, 28, makeRng(`simclr:probe:${train.seed}`), { shift: augment.shift, noise: 0 });
    const probeData = {
      trainX: backend.upload(data.train.X),
      trainY: backend.upload(data.train.y, 'i32'),
      testX: backend.upload(data.test.X),
      testY: backend.upload(data.test.y, 'i32'),
      shiftedX: backend.upload(firstRows(shifted, nTest)),
    };
    /**
     * kNN accuracy on the test rows, plain and shifted, with the training rows as neighbours, all
     * mapped by `features` (raw pixels without).
     */
    const probe = (features?: (X: T) => T) =>
      backend.scope(async () => {
        const inputs = [probeData.trainX, probeData.testX, probeData.shiftedX];
        const [htrain, htest, hshifted] = features ? inputs.map(features) : inputs;
        const accuracy = await parts.knnAccuracy(htrain, probeData.trainY, htest, probeData.testY, hyper.k);
        const shiftedAccuracy = await parts.knnAccuracy(htrain, probeData.trainY, hshifted, probeData.testY, hyper.k);
        return [accuracy, shiftedAccuracy];
      });
    const untrained = await probe((X) => model.represent(params, X));
    const rng = makeRng(`simclr:augment:${train.seed}`);
    const { history, epochMeans } = await trainEpochs(
      train,
      data.train.X.shape[0],
      options,
      (rows) =>
        backend.scope(async () => {
          const views = backend.upload(augmentPairs(rowsOf(data.train.X, rows), 28, rng, augment));
          const { loss, grads } = model.loss(params, views);
          params = adam.step(params, grads);
          return [await backend.readScalar(loss)];
        }),
      ([l]) => `mean nt_xent ${l.toFixed(4)}`,
    );
    const learned = await probe((X) => model.represent(params, X));
    const pixels = await probe();
    const host = await readAll(parts, params);
    adam.release();
    backend.release(...Object.values(probeData), ...Object.values(params));
    return {
      lossHistory: history.flat(),
      epochLoss: epochMeans.flat(),
      params: host,
      probe: { learned: learned[0], untrained: untrained[0], pixels: pixels[0] },
      shiftedProbe: { learned: learned[1], untrained: untrained[1], pixels: pixels[1] },
    };
  });
}

// ————————————————————————————————————————— tasks —————————————————————————————————————————

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

function vaeTask(): Task {
  return {
    name: 'vae',
    summary: 'MNIST: variational autoencoder (MLP, Bernoulli decoder), negative ELBO; sample and reconstruction grids',
    async run(options: TaskOptions): Promise<TaskOutcome> {
      const { targets } = readGenerativeFixture('vae');
      const r = await trainVae(options);
      const checks: Check[] = [
        { metric: 'test −ELBO (nats/image)', value: r.testNelbo, target: targets.test_nelbo, atMost: true },
        { metric: 'first ÷ last epoch mean −ELBO', value: r.epochLoss[0] / r.epochLoss[r.epochLoss.length - 1], target: targets.elbo_ratio },
      ];
      return {
        checks,
        details: [
          `test KL term ${r.testKl.toFixed(2)} nats, reconstruction term ${(r.testNelbo - r.testKl).toFixed(2)} nats`,
          `epoch means ${r.epochLoss.map((l) => l.toFixed(1)).join(' → ')}`,
        ],
        files: r.files,
      };
    },
  };
}

function ganTask(name: 'gan' | 'dcgan', summary: string): Task {
  return {
    name,
    summary,
    async run(options: TaskOptions): Promise<TaskOutcome> {
      const { targets } = readGenerativeFixture(name);
      const r = await trainGan(name, options);
      const last = r.dLoss.length - 1;
      // Relative to the untrained generator (same latent codes): the mean-image RMSE must shrink by
      // mean_image_gain and the nearest-neighbour ratio's excess over 1 (test digits' own distance)
      // by nearest_excess_gain; neither loss may run away (fixtures/e2e/<name>.json states why).
      const excess = (ratio: number) => Math.max(ratio - 1, 1e-9);
      const checks: Check[] = [
        { metric: 'untrained ÷ trained sample mean-image RMSE', value: r.meanImageRmse.initial / r.meanImageRmse.final, target: targets.mean_image_gain },
        {
          metric: 'untrained ÷ trained excess nearest-neighbour ratio (ratio − 1)',
          value: excess(r.nearestRatio.initial) / excess(r.nearestRatio.final),
          target: targets.nearest_excess_gain,
        },
        { metric: 'last-epoch mean discriminator loss', value: r.dLoss[last], target: targets.min_d_loss },
        { metric: 'last-epoch mean generator loss', value: r.gLoss[last], target: targets.max_g_loss, atMost: true },
      ];
      return {
        checks,
        details: [
          `mean-image RMSE ${r.meanImageRmse.initial.toFixed(4)} → ${r.meanImageRmse.final.toFixed(4)}, nearest-neighbour ratio ${r.nearestRatio.initial.toFixed(3)} → ${r.nearestRatio.final.toFixed(3)} (untrained → trained)`,
          `epoch means L_D ${r.dLoss.map((l) => l.toFixed(3)).join(' → ')}, L_G ${r.gLoss.map((l) => l.toFixed(3)).join(' → ')}`,
          `discriminator accuracy on test images ${percent(r.dAccuracy.real)}, on samples ${percent(r.dAccuracy.fake)}`,
        ],
        files: r.files,
      };
    },
  };
}

function simclrTask(): Task {
  return {
    name: 'simclr',
    summary: 'MNIST: SimCLR (MLP encoder + projection head, nt_xent on shifted/noisy views), kNN probe of the representation',
    async run(options: TaskOptions): Promise<TaskOutcome> {
      const { targets } = readGenerativeFixture('simclr');
      const r = await trainSimclr(options);
      return {
        checks: [
          { metric: 'kNN accuracy on shifted test images, learned representation', value: r.shiftedProbe.learned, target: targets.shifted_knn_accuracy },
          {
            metric: 'kNN accuracy gain over raw pixels (shifted test images)',
            value: r.shiftedProbe.learned - r.shiftedProbe.pixels,
            target: targets.shifted_gain_over_pixels,
          },
          { metric: 'kNN test accuracy on the representation', value: r.probe.learned, target: targets.knn_accuracy },
        ],
        details: [
          `kNN test accuracy: raw pixels ${percent(r.probe.pixels)}, untrained encoder ${percent(r.probe.untrained)}, learned ${percent(r.probe.learned)}`,
          `on shifted test images: raw pixels ${percent(r.shiftedProbe.pixels)}, untrained encoder ${percent(r.shiftedProbe.untrained)}, learned ${percent(r.shiftedProbe.learned)}`,
          `epoch means ${r.epochLoss.map((l) => l.toFixed(4)).join(' → ')}`,
        ],
      };
    },
  };
}

export const GENERATIVE_TASKS: Task[] = [
  vaeTask(),
  ganTask('gan', 'MNIST: GAN (MLP generator and discriminator, cs231n), sample statistics and loss balance; sample grid'),
  ganTask('dcgan', 'MNIST: small DCGAN (conv_transpose2d generator, conv discriminator); sample grid'),
  simclrTask(),
];
