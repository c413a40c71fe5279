import { webgpuDetector } from '../../accelerated/models/detector';
import { openBackend } from '../../accelerated/models/open_backend';
import { meanAveragePrecisionForward } from '../../reference/mean_average_precision';
import type { Backend, BackendName } from '../../reference/models/backend';
import {
  detectionTargets,
  detectorAnchors,
  initDetector,
  readDetectorFixture,
  referenceDetector,
  type DetectionTargets,
  type DetectorFixture,
  type DetectorModel,
} from '../../reference/models/detector';
import { generateShapes, groundTruthRows, type ShapesSet } from '../../reference/models/shapes';
import { learningRate, minibatches, type SolverConfig } from '../../reference/models/solver';
import { scalar, tensor, type Tensor } from '../../reference/tensor';
import { upsampleNearestForward } from '../../reference/upsample_nearest';
import { join } from 'node:path';
import { writeImageGrid } from './png';
import type { Task, TaskOptions } from './task';

/**
 * The single-stage detector on synthetic shapes (reference/models/detector.ts, shapes.ts;
 * fixtures/e2e/detector.json): trained with Adam on minibatches of a seeded shuffle per epoch (the
 * Solver's minibatches and learning-rate schedules; the Solver itself trains classifiers: its
 * per-row labels and accuracies do not fit per-anchor targets), then mAP@0.5 of the held-out set.
 * trainDetector is also what spec/detector_model.test.ts calls, with smaller sizes.
 */
export interface DetectorTrainOptions {
  backend: BackendName;
  epochs?: number;
  seed?: number;
  /** Overrides of the fixture's set sizes (short runs); the seeds stay the fixture's. */
  counts?: { train?: number; test?: number };
  solver?: Partial<SolverConfig>;
  /** Writes a PNG of the first held-out images with their detections drawn to this folder. */
  outDir?: string;
  onIteration?(iteration: number, total: number, loss: number): void;
  onEpoch?(epoch: number, lr: number, loss: number): void;
}

export interface DetectorTrainResult {
  backend: BackendName;
  target: number;
  map: number;
  lossHistory: number[];
  /** Held-out detections [image, class, score, x1, y1, x2, y2] and ground truth [image, class, x1, y1, x2, y2]. */
  detections: Tensor;
  groundTruth: Tensor;
  testImages: number;
  params: Record<string, Tensor>;
  seconds: number;
  files: string[];
}

/** A backend and the detector on it. */
interface DetectorParts<T> {
  backend: Backend<T>;
  model: DetectorModel<T>;
}

export async function trainDetector(options: DetectorTrainOptions): Promise<DetectorTrainResult> {
  const fixture = readDetectorFixture();
  const { train: trainSpec, test: testSpec, ...shape } = fixture.data;
  const train = generateShapes({ ...shape, ...trainSpec, count: options.counts?.train ?? trainSpec.count });
  const test = generateShapes({ ...shape, ...testSpec, count: options.counts?.test ?? testSpec.count });
  const config: SolverConfig = { ...fixture.solver, ...options.solver };
  if (options.epochs !== undefined) config.num_epochs = options.epochs;
  if (options.seed !== undefined) config.seed = options.seed;
  if (config.update !== 'adam') throw new Error(`detector: solver.update: expected "adam", got "${config.update}"`);
  const started = performance.now();
  const backend = await openBackend(options.backend);
  const run =
    backend.name === 'reference'
      ? await runOn({ backend, model: referenceDetector(fixture.hyper, fixture.anchors) }, fixture, config, train, test, options)
      : await runOn({ backend, model: webgpuDetector(fixture.hyper, fixture.anchors) }, fixture, config, train, test, options);
  const groundTruth = groundTruthRows(test.objects);
  const map = meanAveragePrecisionForward(run.detections, groundTruth, { iou_threshold: 0.5 }).map.data[0];
  const files = options.outDir ? [drawDetections(join(options.outDir, `detector-${options.backend}.png`), test, run.detections)] : [];
  return {
    backend: options.backend,
    target: fixture.target,
    map,
    groundTruth,
    testImages: test.objects.length,
    seconds: (performance.now() - started) / 1000,
    files,
    ...run,
  };
}

type Run = Pick<DetectorTrainResult, 'lossHistory' | 'detections' | 'params'>;

async function runOn<T>(
  parts: DetectorParts<T>,
  fixture: DetectorFixture,
  config: SolverConfig,
  train: ShapesSet,
  test: ShapesSet,
  options: DetectorTrainOptions,
): Promise<Run> {
  const { backend, model } = parts;
  const anchors = detectorAnchors(fixture.data.canvas, fixture.anchors);
  const host = detectionTargets(anchors, train.objects, fixture.hyper);
  const X = backend.upload(train.images);
  const targets: DetectionTargets<T> = {
    labels: backend.upload(host.labels, 'i32'),
    mask: backend.upload(host.mask, 'i32'),
    deltas: backend.upload(host.deltas),
  };
  const Xtest = backend.upload(test.images);
  const init = initDetector(fixture.hyper, fixture.anchors, config.seed);
  let params = Object.fromEntries(Object.entries(init).map(([k, t]) => [k, backend.upload(t)]));
  const adam = Object.fromEntries(
    Object.entries(init).map(([k, w]) => [
      k,
      {
        m: backend.upload(tensor(w.shape)),
        v: backend.upload(tensor(w.shape)),
        t: backend.upload(scalar(0), 'i32'),
      },
    ]),
  );
  const N = train.objects.length;
  const total = config.num_epochs * Math.ceil(N / config.batch_size);
  const lossHistory: number[] = [];
  try {
    for (let epoch = 0; epoch < config.num_epochs; epoch++) {
      const lr = learningRate(config, epoch);
      for (const rows of minibatches(N, config.batch_size, config.seed, epoch)) {
        lossHistory.push(
          await backend.scope(async () => {
            const batch = {
              X: backend.takeRows(X, rows),
              labels: backend.takeRows(targets.labels, rows),
              mask: backend.takeRows(targets.mask, rows),
              deltas: backend.takeRows(targets.deltas, rows),
            };
            const { loss, grads } = model.loss(params, batch.X, batch);
            const next: Record<string, T> = {};
            for (const [name, w] of Object.entries(params)) {
              const s = adam[name];
              const out = backend.keep(backend.optimizers.adamForward(w, grads[`d${name}`], s.m, s.v, s.t, { ...config.optim_config, lr }));
              // The weights and Adam's moments outlive a step: the ones replaced go now.
              backend.release(w, s.m, s.v, s.t);
              [next[name], s.m, s.v, s.t] = [out.next_w, out.next_m, out.next_v, out.next_t];
            }
            params = next;
            return backend.readScalar(loss);
          }),
        );
        options.onIteration?.(lossHistory.length, total, lossHistory[lossHistory.length - 1]);
      }
      const steps = lossHistory.slice(-Math.ceil(N / config.batch_size));
      options.onEpoch?.(epoch + 1, lr, steps.reduce((a, b) => a + b, 0) / steps.length);
    }
    const chunk = 100;
    const found: Tensor[] = [];
    for (let first = 0; first < test.objects.length; first += chunk) {
      const rows = Array.from({ length: Math.min(chunk, test.objects.length - first) }, (_, i) => first + i);
      found.push(await backend.scope(() => model.detect(params, backend.takeRows(Xtest, rows), first)));
    }
    const detections = tensor(
      [found.reduce((a, d) => a + d.shape[0], 0), 7],
      found.flatMap((d) => Array.from(d.data)),
    );
    const hostParams = Object.fromEntries(await Promise.all(Object.entries(params).map(async ([k, t]) => [k, await backend.read(t)] as const)));
    return { lossHistory, detections, params: hostParams };
  } finally {
    backend.release(X, Xtest, ...Object.values(targets), ...Object.values(params), ...Object.values(adam).flatMap((s) => [s.m, s.v, s.t]));
  }
}

/** Class colours (RGB) of the drawn boxes: square red, circle green, triangle blue. */
const COLOURS = [
  [1, 0.2, 0.2],
  [0.2, 1, 0.2],
  [0.3, 0.5, 1],
];
const ZOOM = 4;

/**
 * The first 16 held-out images, 4× nearest-upsampled to RGB, with the detections of score ≥ 0.5
 * drawn as one-pixel outlines in their class colour (ground truth in grey, under them).
 */
export function drawDetections(file: string, set: ShapesSet, detections: Tensor): string {
  const count = Math.min(16, set.objects.length);
  const [, , S] = set.images.shape;
  const big = upsampleNearestForward(tensor([count, 1, S, S], set.images.data.subarray(0, count * S * S)), { scale: ZOOM }).out;
  const side = S * ZOOM;
  const rgb = tensor([count, 3, side, side]);
  for (let n = 0; n < count; n++)
    for (let c = 0; c < 3; c++) rgb.data.set(big.data.subarray(n * side * side, (n + 1) * side * side), (n * 3 + c) * side * side);
  const outline = (n: number, box: ArrayLike<number>, colour: number[]) => {
    const [x1, y1, x2, y2] = Array.from(box, (v) => Math.min(side - 1, Math.max(0, Math.round(v * ZOOM))));
    const put = (y: number, x: number) =>
      colour.forEach((v, c) => {
        rgb.data[((n * 3 + c) * side + y) * side + x] = v;
      });
    for (let x = x1; x <= x2; x++) {
      put(y1, x);
      put(y2, x);
    }
    for (let y = y1; y <= y2; y++) {
      put(y, x1);
      put(y, x2);
    }
  };
  set.objects.slice(0, count).forEach((list, n) => list.forEach((o) => outline(n, o.box, [0.45, 0.45, 0.45])));
  for (let d = 0; d < detections.shape[0]; d++) {
    const row = detections.data.subarray(7 * d, 7 * d + 7);
    if (row[0] < count && row[2] >= 0.5) outline(row[0], row.subarray(3), COLOURS[row[1]]);
  }
  return writeImageGrid(file, rgb, { cols: 4, range: [0, 1] });
}

export const DETECTION_TASKS: Task[] = [
  {
    name: 'detector',
    summary: 'single-stage anchor detector on synthetic shapes (squares, circles, triangles): mAP@0.5',
    async run(options: TaskOptions) {
      const result = await trainDetector({
        ...options,
        onEpoch: (epoch, lr, loss) => options.onReport?.(`epoch ${epoch}: lr ${lr.toExponential(2)}  mean loss ${loss.toFixed(4)}`),
      });
      const [objects, found] = [result.groundTruth.shape[0], result.detections.shape[0]];
      return {
        checks: [{ metric: 'mAP@0.5', value: result.map, target: result.target }],
        details: [
          `held-out set: ${result.testImages} images, ${objects} objects, ${found} detections after NMS (${(found / result.testImages).toFixed(1)} per image)`,
        ],
        files: result.files,
      };
    },
  },
];
