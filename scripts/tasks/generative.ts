import { join } from 'node:path';
import type { GpuTensor } from '../../accelerated/runtime/buffers';
import { scope } from '../../accelerated/runtime/scope';
import { knnForward as gpuKnnForward } from '../../accelerated/knn';
import type { WebgpuBackend } from '../../accelerated/models/backend';
import { openBackend } from '../../accelerated/models/open_backend';
import { GPU_OPS } from '../../accelerated/models/generative_layers';
import * as gpuKnn from '../../accelerated/models/knn';
import { knnForward } from '../../reference/knn';
import type { BackendName } from '../../reference/models/backend';
import { readE2eFixture, readSplitFixture } from '../../reference/models/fixtures';
import { dcgan, mlpGan, trainGan as trainGanOn, type GanArch, type GanTraining } from '../../reference/models/gan';
import { REFERENCE_OPS } from '../../reference/models/generative_layers';
import type { GenerativeBackend, GenerativeData, Shaped, TrainConfig, TrainOptions } from '../../reference/models/generative_training';
import * as refKnn from '../../reference/models/knn';
import { IMAGE_SIZE, loadRawMnist } from '../../reference/models/mnist';
import type { ReferenceBackend } from '../../reference/models/reference_backend';
import { trainSimclr as trainSimclrOn, type SimclrTraining } from '../../reference/models/simclr';
import { trainVae as trainVaeOn, type VaeTraining } from '../../reference/models/vae';
import { reshape, tensor, type Tensor } from '../../reference/tensor';
import { writeImageGrid } from './png';
import type { Check, Task, TaskOptions, TaskOutcome } from './task';

/**
 * The generative and self-supervised MNIST tasks (docs/ops.md "Models": VAE, GAN and a small DCGAN,
 * SimCLR head) on either backend; the training loops and metrics are the model library's (vae.ts
 * trainVae, gan.ts trainGan, simclr.ts trainSimclr over generative_training.ts). Data: the raw
 * pixels in [0, 1] of the fixture split's train and test rows (fixtures/e2e/mnist-split.json; no
 * mean-image centering: the VAE's Bernoulli targets and the GAN's tanh range need the raw scale).
 * Each fixture fixtures/e2e/<task>.json holds the hyper-parameters (`hyper`), the training
 * settings (`train`: epochs, batch_size, Adam's lr and beta1, seed) and the targets of the checks
 * (`targets`). trainVae / trainGan / trainSimclr here are what spec/generative_models.test.ts calls, small.
 */
export type GenerativeName = 'vae' | 'gan' | 'dcgan' | 'simclr';

export interface GenerativeFixture {
  model: GenerativeName;
  hyper: Record<string, number>;
  train: TrainConfig;
  targets: Record<string, number>;
}

export const readGenerativeFixture = (name: GenerativeName): GenerativeFixture => readE2eFixture<GenerativeFixture>(name, ['hyper', 'train', 'targets']);

export interface GenerativeOptions {
  backend: BackendName;
  epochs?: number;
  seed?: number;
  /** Keep only the first `limit` train and test rows (short runs in the spec suite). */
  limit?: number;
  /** Overrides of the fixture's hyper-parameters and training settings (short runs). */
  hyper?: Record<string, number>;
  train?: Partial<TrainConfig>;
  /** Folder for the PNG grids; none written without it. */
  outDir?: string;
  onIteration?(iteration: number, total: number, loss: number): void;
  onReport?(line: string): void;
}

/** The backend with the generative family's pieces: its layer ops and the kNN probe's kernels. */
const referenceParts = (backend: ReferenceBackend): GenerativeBackend<Tensor> => ({
  backend,
  ops: REFERENCE_OPS,
  knnAccuracy: async (...args) => refKnn.knnAccuracy(...args),
  distances: async (X_train, y_train, X) => knnForward(X_train, y_train, X, { k: 1 }).dists,
});

const gpuParts = (backend: WebgpuBackend): GenerativeBackend<GpuTensor> => ({
  backend,
  ops: GPU_OPS,
  knnAccuracy: gpuKnn.knnAccuracy,
  distances: (X_train, y_train, X) => scope(() => backend.read(gpuKnnForward(X_train, y_train, X, { k: 1 }).dists)),
});

/** The raw MNIST rows (N, 784) in [0, 1] of the fixture split's train and test lists, and their labels. */
export function rawMnist(limit = Infinity): GenerativeData {
  const { train, test } = loadRawMnist(readSplitFixture(), limit);
  return { train, test };
}

interface Setup {
  hyper: Record<string, number>;
  train: TrainConfig;
  data: GenerativeData;
}

function setup(name: GenerativeName, options: GenerativeOptions): Setup {
  const fixture = readGenerativeFixture(name);
  const train = { ...fixture.train, ...options.train };
  if (options.epochs !== undefined) train.epochs = options.epochs;
  if (options.seed !== undefined) train.seed = options.seed;
  return { hyper: { ...fixture.hyper, ...options.hyper }, train, data: rawMnist(options.limit) };
}

/** The library's run options: progress hooks, and the grid images when there is a folder to write them to. */
const trainOptions = (options: GenerativeOptions): TrainOptions => ({
  images: options.outDir !== undefined,
  onIteration: options.onIteration,
  onReport: options.onReport,
});

/** Runs `body` on the chosen backend with its parts; adds the wall time in seconds. */
async function onBackend<R>(name: BackendName, body: <T extends Shaped>(parts: GenerativeBackend<T>) => Promise<R>): Promise<R & { seconds: number }> {
  const started = performance.now();
  const backend = await openBackend(name);
  const result = backend.name === 'reference' ? await body(referenceParts(backend)) : await body(gpuParts(backend));
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

const asImages = (X: Tensor): Tensor => reshape(X, [X.shape[0], 1, 28, 28]);

/** Writes each grid's rows (N, 784), pixels in its range, in 8 columns to <outDir>/<name>-<backend>.png; none without outDir. */
function writeGrids(options: GenerativeOptions, grids: Array<[name: string, X: Tensor, range: [number, number]]>): string[] {
  const { outDir } = options;
  return outDir ? grids.map(([name, X, range]) => writeImageGrid(join(outDir, `${name}-${options.backend}.png`), asImages(X), { cols: 8, range })) : [];
}

// ————————————————————————————————————————— VAE —————————————————————————————————————————

export type VaeResult = Omit<VaeTraining, 'images'> & { files: string[]; seconds: number };

export async function trainVae(options: GenerativeOptions): Promise<VaeResult> {
  const { hyper, train, data } = setup('vae', options);
  const vaeHyper = { pixels: IMAGE_SIZE, hidden: hyper.hidden, latent: hyper.latent };
  const { images, ...result } = await onBackend(options.backend, (parts) => trainVaeOn(parts, vaeHyper, data, train, trainOptions(options)));
  const files = images
    ? writeGrids(options, [
        ['vae-samples', images.samples, [0, 1]],
        ['vae-reconstructions', interleaveRows(images.originals, images.reconstructions, 8), [0, 1]],
      ])
    : [];
  return { ...result, files };
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

export type GanResult = Omit<GanTraining, 'images'> & { files: string[]; seconds: number };

export function ganArch(name: 'gan' | 'dcgan', hyper: Record<string, number>): GanArch {
  return name === 'gan'
    ? mlpGan({ noise: hyper.noise, hidden: hyper.hidden, alpha: hyper.alpha })
    : dcgan({ noise: hyper.noise, channels: hyper.channels, alpha: hyper.alpha });
}

export async function trainGan(name: 'gan' | 'dcgan', options: GenerativeOptions): Promise<GanResult> {
  const { hyper, train, data } = setup(name, options);
  const gan = { tag: name, arch: ganArch(name, hyper), evalSamples: hyper.eval_samples };
  const { images, ...result } = await onBackend(options.backend, (parts) => trainGanOn(parts, gan, data, train, trainOptions(options)));
  return { ...result, files: images ? writeGrids(options, [[`${name}-samples`, images.samples, [-1, 1]]]) : [] };
}

// ————————————————————————————————————————— SimCLR —————————————————————————————————————————

export type SimclrResult = SimclrTraining & { seconds: number };

export async function trainSimclr(options: GenerativeOptions): Promise<SimclrResult> {
  const { hyper, train, data } = setup('simclr', options);
  const simclr = {
    model: { pixels: IMAGE_SIZE, hidden: hyper.hidden, projection: hyper.projection, tau: hyper.tau },
    augment: { shift: hyper.shift, noise: hyper.noise },
    k: hyper.k,
  };
  return onBackend(options.backend, (parts) => trainSimclrOn(parts, simclr, data, train, trainOptions(options)));
}

// ————————————————————————————————————————— tasks —————————————————————————————————————————

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** A task that trains on the options and makes its outcome from the result and the fixture's targets. */
function generativeTask<R>(
  name: GenerativeName,
  summary: string,
  train: (options: TaskOptions) => Promise<R>,
  outcome: (r: R, targets: Record<string, number>) => TaskOutcome,
): Task {
  return {
    name,
    summary,
    async run(options: TaskOptions): Promise<TaskOutcome> {
      const { targets } = readGenerativeFixture(name);
      return outcome(await train(options), targets);
    },
  };
}

const vaeTask = (): Task =>
  generativeTask('vae', 'MNIST: variational autoencoder (MLP, Bernoulli decoder), negative ELBO; sample and reconstruction grids', trainVae, (r, targets) => {
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
  });

const ganTask = (name: 'gan' | 'dcgan', summary: string): Task =>
  generativeTask(
    name,
    summary,
    (options) => trainGan(name, options),
    (r, targets) => {
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
  );

const simclrTask = (): Task =>
  generativeTask(
    'simclr',
    'MNIST: SimCLR (MLP encoder + projection head, nt_xent on shifted/noisy views), kNN probe of the representation',
    trainSimclr,
    (r, targets) => ({
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
    }),
  );

export const GENERATIVE_TASKS: Task[] = [
  vaeTask(),
  ganTask('gan', 'MNIST: GAN (MLP generator and discriminator, cs231n), sample statistics and loss balance; sample grid'),
  ganTask('dcgan', 'MNIST: small DCGAN (conv_transpose2d generator, conv discriminator); sample grid'),
  simclrTask(),
];
