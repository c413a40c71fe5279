import { join } from 'node:path';
import { openBackend } from '../../accelerated/models/open_backend';
import * as gpuConvNet from '../../accelerated/models/three_layer_conv_net';
import { webgpuVisualOps } from '../../accelerated/models/visualization';
import type { BackendName, Model } from '../../reference/models/backend';
import { readE2eFixture, readModelFixture, readSplitFixture } from '../../reference/models/fixtures';
import { CLASSES, loadMnist, type Dataset } from '../../reference/models/mnist';
import type { SolverConfig } from '../../reference/models/solver';
import { threeLayerConvNet } from '../../reference/models/three_layer_conv_net';
import {
  classVisualization,
  foolingImages,
  predictions,
  referenceVisualOps,
  saliencyMaps,
  type ClassVisualizationConfig,
  type VisualOps,
} from '../../reference/models/visualization';
import { makeRng } from '../../reference/rng';
import { takeRows, tensor, type Tensor } from '../../reference/tensor';
import { trainModel } from './mnist_classifiers';
import { writeImageGrid } from './png';
import type { Check, Task, TaskOptions } from './task';

/**
 * cs231n's NetworkVisualization on the three-layer conv net (reference/models/three_layer_conv_net.ts,
 * its hyper-parameters from fixtures/e2e/three_layer_conv_net.json), trained here by the Solver
 * for a few epochs, then on one backend: saliency maps and fooling images of correctly classified
 * test digits, and one class visualization per digit class (reference/models/visualization.ts).
 * fixtures/e2e/network_visualization.json holds the settings and targets.
 */
export interface VisualizationFixture {
  model: 'network_visualization';
  /** Fraction of the fooling digits classified as their target within max_steps. */
  target: number;
  classifier: { epochs: number; target: number; solver?: Partial<SolverConfig> };
  fooling: { count: number; lr: number; max_steps: number; seed: number };
  class_visualization: ClassVisualizationConfig & { target: number };
}

export const readVisualizationFixture = (): VisualizationFixture =>
  readE2eFixture<VisualizationFixture>('network_visualization', ['target', 'classifier', 'fooling', 'class_visualization']);

/** One MNIST row as an image. */
export const IMAGE: [number, number, number] = [1, 28, 28];

/** The first `count` test rows the net classifies correctly, cycling through the classes 0, 1, …, 9. */
export function pickDigits(test: Dataset, predicted: readonly number[], count: number): number[] {
  const picked: number[] = [];
  for (let k = 0; picked.length < count; k++) {
    const digit = k % CLASSES;
    const row = predicted.findIndex((p, r) => p === digit && test.y.data[r] === digit && !picked.includes(r));
    if (row < 0) {
      if (k > count * CLASSES) throw new Error(`network_visualization: fewer than ${count} correctly classified test digits`);
      continue;
    }
    picked.push(row);
  }
  return picked;
}

/** A seeded target class ≠ label per digit. */
export const foolingTargets = (labels: readonly number[], seed: number): number[] => {
  const rng = makeRng(`fooling:${seed}`);
  return labels.map((y) => (y + 1 + Math.floor(rng() * (CLASSES - 1))) % CLASSES);
};

export interface VisualizationRun {
  digits: Tensor;
  labels: number[];
  saliency: Tensor;
  targets: number[];
  fooled: Tensor;
  foolingPredicted: number[];
  foolingSteps: number;
  classImages: Tensor;
  classPredicted: number[];
}

/** Saliency, fooling and class visualization of a trained net on one backend. */
export async function visualize<T>(
  v: VisualOps<T>,
  model: Model<T>,
  hostParams: Record<string, Tensor>,
  test: Dataset,
  fixture: VisualizationFixture,
  onReport?: (line: string) => void,
): Promise<VisualizationRun> {
  const { backend } = v;
  const params = Object.fromEntries(Object.entries(hostParams).map(([k, t]) => [k, backend.upload(t)]));
  try {
    const candidates = Math.min(test.y.shape[0], 20 * fixture.fooling.count);
    const firstRows = Array.from({ length: candidates }, (_, i) => i);
    const predicted = predictions(await backend.scope(() => backend.read(model.scores(params, backend.upload(takeRows(test.X, firstRows))))));
    const picked = pickDigits(test, predicted, fixture.fooling.count);
    const digits = takeRows(test.X, picked);
    const labels = picked.map((r) => test.y.data[r]);

    const saliency = await backend.scope(() => saliencyMaps(v, model, params, backend.upload(digits), labels, CLASSES, IMAGE));

    const targets = foolingTargets(labels, fixture.fooling.seed);
    const fooling = await foolingImages(v, model, params, digits, targets, CLASSES, { lr: fixture.fooling.lr, maxSteps: fixture.fooling.max_steps });
    onReport?.(`fooling: ${fooling.predicted.filter((p, n) => p === targets[n]).length}/${targets.length} fooled after ${fooling.steps} steps`);

    const classes = Array.from({ length: CLASSES }, (_, c) => c);
    const visual = await classVisualization(v, model, params, classes, CLASSES, IMAGE, fixture.class_visualization);
    const classPredicted = predictions(visual.scores);
    onReport?.(`class visualization: predicted ${classPredicted.join(' ')}`);
    return {
      digits,
      labels,
      saliency,
      targets,
      fooled: fooling.images,
      foolingPredicted: fooling.predicted,
      foolingSteps: fooling.steps,
      classImages: visual.images,
      classPredicted,
    };
  } finally {
    backend.release(...Object.values(params));
  }
}

/** The visualization on a backend by name. */
export async function visualizeOn(
  name: BackendName,
  hostParams: Record<string, Tensor>,
  test: Dataset,
  fixture: VisualizationFixture,
  onReport?: (line: string) => void,
) {
  const hyper = readModelFixture('three_layer_conv_net').hyper;
  const backend = await openBackend(name);
  if (backend.name === 'reference') return visualize(referenceVisualOps(backend), threeLayerConvNet(hyper), hostParams, test, fixture, onReport);
  return visualize(webgpuVisualOps(backend), gpuConvNet.threeLayerConvNet(hyper), hostParams, test, fixture, onReport);
}

const images = (rowsOf: Tensor[]): Tensor => {
  const N = rowsOf.reduce((a, t) => a + t.shape[0], 0);
  const out = tensor([N, ...IMAGE]);
  let offset = 0;
  for (const t of rowsOf) {
    out.data.set(t.data, offset);
    offset += t.data.length;
  }
  return out;
};

const difference = (a: Tensor, b: Tensor): Tensor =>
  tensor(
    a.shape,
    a.data.map((v, i) => v - b.data[i]),
  );

/** saliency.png (digits over their maps), fooling.png (originals, fooled, differences), class_visualization.png. Each image is stretched to its own range. */
export function writeVisualizationPngs(outDir: string, backend: BackendName, run: VisualizationRun): string[] {
  const N = run.labels.length;
  return [
    writeImageGrid(join(outDir, `saliency_${backend}.png`), images([run.digits, run.saliency]), { cols: N }),
    writeImageGrid(join(outDir, `fooling_${backend}.png`), images([run.digits, run.fooled, difference(run.fooled, run.digits)]), { cols: N }),
    writeImageGrid(join(outDir, `class_visualization_${backend}.png`), images([run.classImages]), { cols: CLASSES }),
  ];
}

const fraction = (xs: readonly number[], ys: readonly number[]) => xs.filter((x, i) => x === ys[i]).length / xs.length;

export const VISUALIZATION_TASKS: Task[] = [
  {
    name: 'network_visualization',
    summary: 'saliency maps, fooling images and class visualization of the trained three-layer conv net',
    async run(options: TaskOptions) {
      const fixture = readVisualizationFixture();
      const trained = await trainModel('three_layer_conv_net', {
        backend: options.backend,
        epochs: options.epochs ?? fixture.classifier.epochs,
        seed: options.seed,
        solver: fixture.classifier.solver,
        onIteration: options.onIteration,
        onEpoch: (r) => options.onReport?.(`conv net epoch ${r.epoch}: loss ${r.loss.toFixed(4)}  val acc ${(100 * r.valAcc).toFixed(2)}%`),
      });
      const { test } = loadMnist(readSplitFixture());
      const run = await visualizeOn(options.backend, trained.params, test, fixture, options.onReport);
      const checks: Check[] = [
        { metric: 'fooled', value: fraction(run.foolingPredicted, run.targets), target: fixture.target },
        { metric: 'classifier test accuracy', value: trained.testAcc, target: fixture.classifier.target },
        { metric: 'class visualization match', value: fraction(run.classPredicted, [...Array(CLASSES).keys()]), target: fixture.class_visualization.target },
      ];
      return {
        checks,
        details: [
          `conv net: ${trained.epochs.length} epochs, ${trained.seconds.toFixed(1)} s, test accuracy ${(100 * trained.testAcc).toFixed(2)}%`,
          `fooling: labels ${run.labels.join(' ')} → targets ${run.targets.join(' ')}, predicted ${run.foolingPredicted.join(' ')} after ${run.foolingSteps} steps`,
          `class visualization: predicted ${run.classPredicted.join(' ')}`,
        ],
        files: writeVisualizationPngs(options.outDir, options.backend, run),
      };
    },
  },
];
