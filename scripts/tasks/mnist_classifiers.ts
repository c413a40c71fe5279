import { openBackend } from '../../accelerated/models/open_backend';
import type { GpuTensor } from '../../accelerated/runtime/buffers';
import * as gpuKnn from '../../accelerated/models/knn';
import * as gpuLinearSoftmax from '../../accelerated/models/linear_softmax';
import * as gpuLinearSvm from '../../accelerated/models/linear_svm';
import * as gpuFcNet from '../../accelerated/models/fc_net';
import * as gpuResidualConv from '../../accelerated/models/residual_conv_net';
import * as gpuThreeLayerConv from '../../accelerated/models/three_layer_conv_net';
import * as gpuTwoLayer from '../../accelerated/models/two_layer_net';
import type { Backend, BackendName, Model } from '../../reference/models/backend';
import { fcNet, initFcNet, type FcNetConfig, type Normalization } from '../../reference/models/fc_net';
import { readModelFixture, readSplitFixture, type ModelFixture } from '../../reference/models/fixtures';
import * as refKnn from '../../reference/models/knn';
import { initLinear } from '../../reference/models/linear';
import { linearSoftmax } from '../../reference/models/linear_softmax';
import { linearSvm } from '../../reference/models/linear_svm';
import { CLASSES, IMAGE_SIZE, loadMnist, type MnistSplits } from '../../reference/models/mnist';
import { initResidualConvNet, residualConvNet } from '../../reference/models/residual_conv_net';
import { Solver, type EpochReport, type SolverConfig } from '../../reference/models/solver';
import { initThreeLayerConvNet, threeLayerConvNet } from '../../reference/models/three_layer_conv_net';
import { initTwoLayerNet, twoLayerNet } from '../../reference/models/two_layer_net';
import type { Tensor } from '../../reference/tensor';
import type { Task, TaskOptions } from './task';

/**
 * The MNIST classifiers (fixtures/e2e: the split and each model's hyper-parameters and target),
 * trained by the Solver on either backend. trainModel is also what spec/models.test.ts calls,
 * with smaller sizes.
 */
export const MODELS = ['knn', 'linear_softmax', 'linear_svm', 'two_layer_net', 'fc_net', 'three_layer_conv_net', 'residual_conv_net'] as const;
export type ModelName = (typeof MODELS)[number];

/** A model's init and its model on each backend, from the fixture's hyper-parameters (and architecture). */
interface Trainable {
  init(hyper: Record<string, number>, seed: number, architecture: Record<string, unknown>): Record<string, Tensor>;
  reference(hyper: Record<string, number>, architecture: Record<string, unknown>): Model<Tensor>;
  webgpu(hyper: Record<string, number>, architecture: Record<string, unknown>): Model<GpuTensor>;
}

/** fc_net's config: architecture.hidden_dims and .normalization, hyper dropout (drop probability), reg, weight_scale. */
function fcNetConfig(hyper: Record<string, number>, architecture: Record<string, unknown>): FcNetConfig {
  return {
    hidden_dims: architecture.hidden_dims as number[],
    normalization: (architecture.normalization ?? 'none') as Normalization,
    dropout: hyper.dropout ?? 0,
    reg: hyper.reg ?? 0,
    weight_scale: hyper.weight_scale ?? 0,
  };
}

const TRAINABLE: Record<Exclude<ModelName, 'knn'>, Trainable> = {
  linear_softmax: {
    init: (h, seed) => initLinear(IMAGE_SIZE, CLASSES, h.weight_scale, seed),
    reference: (h) => linearSoftmax(h.reg),
    webgpu: (h) => gpuLinearSoftmax.linearSoftmax(h.reg),
  },
  linear_svm: {
    init: (h, seed) => initLinear(IMAGE_SIZE, CLASSES, h.weight_scale, seed),
    reference: (h) => linearSvm(h.reg),
    webgpu: (h) => gpuLinearSvm.linearSvm(h.reg),
  },
  two_layer_net: {
    init: (h, seed) => initTwoLayerNet(IMAGE_SIZE, h.hidden_dim, CLASSES, h.weight_scale, seed),
    reference: (h) => twoLayerNet(h.reg),
    webgpu: (h) => gpuTwoLayer.twoLayerNet(h.reg),
  },
  fc_net: {
    init: (h, seed, a) => initFcNet(fcNetConfig(h, a), seed),
    reference: (h, a) => fcNet(fcNetConfig(h, a)),
    webgpu: (h, a) => gpuFcNet.fcNet(fcNetConfig(h, a)),
  },
  three_layer_conv_net: {
    init: initThreeLayerConvNet,
    reference: threeLayerConvNet,
    webgpu: gpuThreeLayerConv.threeLayerConvNet,
  },
  residual_conv_net: {
    init: initResidualConvNet,
    reference: residualConvNet,
    webgpu: gpuResidualConv.residualConvNet,
  },
};

/** A task's backend, epochs, seed and progress ticks, plus the spec suite's short-run knobs. */
export interface TrainOptions extends Pick<TaskOptions, 'backend' | 'epochs' | 'seed' | 'onIteration'> {
  /** Keep only the first `limit` rows of each split (short runs in the spec suite). */
  limit?: number;
  /** Overrides of the fixture's Solver config (short runs). */
  solver?: Partial<SolverConfig>;
  onEpoch?(report: EpochReport): void;
}

export interface TrainResult {
  model: ModelName;
  backend: BackendName;
  target: number;
  testAcc: number;
  valAcc: number;
  lossHistory: number[];
  epochs: EpochReport[];
  seconds: number;
  /** The trained params, read back (short runs compare them across backends). */
  params: Record<string, Tensor>;
}

export async function trainModel(name: ModelName, options: TrainOptions): Promise<TrainResult> {
  const fixture = readModelFixture(name);
  const data = loadMnist(readSplitFixture(), options.limit);
  const started = performance.now();
  const backend = await openBackend(options.backend);
  const run =
    backend.name === 'reference'
      ? await runOn(backend, name, fixture, data, options, {
          model: (trainable) => trainable.reference(fixture.hyper, fixture.architecture ?? {}),
          knnAccuracy: async (...args) => refKnn.knnAccuracy(...args),
        })
      : await runOn(backend, name, fixture, data, options, {
          model: (trainable) => trainable.webgpu(fixture.hyper, fixture.architecture ?? {}),
          knnAccuracy: gpuKnn.knnAccuracy,
        });
  return { model: name, backend: options.backend, target: fixture.target, seconds: (performance.now() - started) / 1000, ...run };
}

/** What runOn needs besides the Backend: the backend's model and kNN. */
interface BackendParts<T> {
  model(trainable: Trainable): Model<T>;
  knnAccuracy(X_train: T, y_train: T, X: T, y: T, k: number): Promise<number>;
}

type Run = Omit<TrainResult, 'model' | 'backend' | 'target' | 'seconds'>;

async function runOn<T>(
  backend: Backend<T>,
  name: ModelName,
  fixture: ModelFixture,
  data: MnistSplits,
  options: TrainOptions,
  parts: BackendParts<T>,
): Promise<Run> {
  const on = (split: keyof MnistSplits) => ({ X: backend.upload(data[split].X), y: backend.upload(data[split].y, 'i32') });
  const [train, val, test] = [on('train'), on('val'), on('test')];
  const sizes = { train: data.train.y.shape[0], val: data.val.y.shape[0], test: data.test.y.shape[0] };
  try {
    if (name === 'knn') {
      const k = fixture.hyper.k;
      const valAcc = await parts.knnAccuracy(train.X, train.y, val.X, val.y, k);
      const testAcc = await parts.knnAccuracy(train.X, train.y, test.X, test.y, k);
      return { testAcc, valAcc, lossHistory: [], epochs: [], params: {} };
    }
    const trainable = TRAINABLE[name];
    const config: SolverConfig = { ...fixture.solver!, ...options.solver };
    if (options.epochs !== undefined) config.num_epochs = options.epochs;
    if (options.seed !== undefined) config.seed = options.seed;
    const solver = new Solver(
      backend,
      parts.model(trainable),
      trainable.init(fixture.hyper, config.seed, fixture.architecture ?? {}),
      { X_train: train.X, y_train: train.y, X_val: val.X, y_val: val.y },
      config,
    );
    const total = config.num_epochs * Math.ceil(sizes.train / config.batch_size);
    const result = await solver.train(sizes, {
      onIteration: (i, loss) => options.onIteration?.(i, total, loss),
      onEpoch: options.onEpoch,
    });
    const testAcc = await solver.accuracy(test.X, test.y, sizes.test);
    const params = Object.fromEntries(await Promise.all(Object.entries(result.params).map(async ([k, t]) => [k, await backend.read(t)] as const)));
    backend.release(...Object.values(result.params));
    return { testAcc, valAcc: result.bestValAcc, lossHistory: result.lossHistory, epochs: result.epochs, params };
  } finally {
    backend.release(train.X, train.y, val.X, val.y, test.X, test.y);
  }
}

const SUMMARIES: Record<ModelName, string> = {
  knn: 'k-nearest-neighbour classifier (L2 distances)',
  linear_softmax: 'linear classifier, softmax loss',
  linear_svm: 'linear classifier, multiclass SVM loss',
  two_layer_net: 'affine – relu – affine – softmax',
  fc_net: 'fully connected net: {affine – batch/layer norm – relu – dropout} × L – affine – softmax',
  three_layer_conv_net: 'conv – relu – 2×2 max pool – affine – relu – affine – softmax',
  residual_conv_net: 'conv – bn – relu – pool, residual blocks (conv – bn – relu – conv – bn + skip, relu), pool – affine – softmax',
};

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** The MNIST classifiers as tasks: test accuracy against the fixture's target. */
export const MNIST_CLASSIFIER_TASKS: Task[] = MODELS.map((name) => ({
  name,
  summary: `MNIST: ${SUMMARIES[name]}`,
  async run(options: TaskOptions) {
    /** When the epoch's first step began (the data load before it does not count). */
    let epochStart: number | undefined;
    const result = await trainModel(name, {
      ...options,
      onIteration: (i, total, loss) => {
        epochStart ??= performance.now();
        options.onIteration?.(i, total, loss);
      },
      onEpoch: (r) => {
        const seconds = (performance.now() - epochStart!) / 1000;
        epochStart = undefined;
        options.onReport?.(
          `epoch ${r.epoch}: lr ${r.lr.toExponential(2)}  loss ${r.loss.toFixed(4)}  train acc ${percent(r.trainAcc)}  ` +
            `val acc ${percent(r.valAcc)}  (${seconds.toFixed(1)} s)`,
        );
      },
    });
    return {
      checks: [{ metric: 'test accuracy', value: result.testAcc, target: result.target }],
      details: [`best validation accuracy ${percent(result.valAcc)}`],
    };
  },
}));
