import { join } from 'node:path';
import { openBackend } from '../../accelerated/models/open_backend';
import * as gpuStyle from '../../accelerated/models/style_transfer';
import type { BackendName } from '../../reference/models/backend';
import { readE2eFixture } from '../../reference/models/fixtures';
import {
  descendImage,
  digitImage,
  initFeatureNet,
  noiseImage,
  stripesImage,
  styleTransferObjective,
  type DescentResult,
  type StyleTransferHyper,
} from '../../reference/models/style_transfer';
import { tensor, type Tensor } from '../../reference/tensor';
import { writeImageGrid } from './png';
import type { Task, TaskOptions } from './task';

/**
 * The style-transfer task: a noise image optimized by Adam on its pixels until it has the content
 * of an MNIST digit and the style of a seeded stripe texture, under a fixed random feature net
 * (reference/models/style_transfer.ts); fixtures/e2e/style_transfer.json holds the settings and
 * the target drop of the loss (initial / final).
 */
export interface StyleTransferFixture {
  model: 'style_transfer';
  target: number;
  hyper: StyleTransferHyper;
  content_index: number;
  style_seed: number;
  /** Feature-net weights and the starting noise. */
  seed: number;
  steps: number;
  lr: number;
}

export const readStyleTransferFixture = (): StyleTransferFixture =>
  readE2eFixture<StyleTransferFixture>('style_transfer', ['target', 'hyper', 'content_index', 'style_seed', 'seed', 'steps', 'lr']);

export interface StyleTransferRun extends Omit<DescentResult<Tensor>, 'img'> {
  content: Tensor;
  style: Tensor;
  /** The final image, read back. */
  image: Tensor;
  seconds: number;
}

/** One optimization on one backend with the fixture's settings (tests pass smaller ones). */
export async function runStyleTransfer(
  fixture: StyleTransferFixture,
  name: BackendName,
  onStep?: (step: number, loss: number) => void,
): Promise<StyleTransferRun> {
  const content = digitImage(fixture.content_index);
  const [, C, H, W] = content.shape;
  const style = stripesImage(fixture.style_seed, H, W);
  const net = initFeatureNet(C, fixture.hyper.channels, fixture.seed);
  const initial = noiseImage(content.shape, fixture.seed);
  const config = { steps: fixture.steps, lr: fixture.lr };
  const started = performance.now();
  let result: Omit<DescentResult<Tensor>, 'img'> & { image: Tensor };
  const device = await openBackend(name);
  if (device.name === 'reference') {
    const { img, ...rest } = await descendImage(device, styleTransferObjective(net, content, style, fixture.hyper), initial, config, onStep);
    result = { ...rest, image: img };
  } else {
    const gpuNet = Object.fromEntries(Object.entries(net).map(([k, t]) => [k, device.upload(t)]));
    const [gpuContent, gpuStyleImage] = [device.upload(content), device.upload(style)];
    const objective = gpuStyle.styleTransferObjective(gpuNet, gpuContent, gpuStyleImage, fixture.hyper);
    try {
      const { img, ...rest } = await descendImage(device, objective, initial, config, onStep);
      result = { ...rest, image: await device.read(img) };
      device.release(img);
    } finally {
      objective.dispose();
      device.release(gpuContent, gpuStyleImage, ...Object.values(gpuNet));
    }
  }
  return { ...result, content, style, seconds: (performance.now() - started) / 1000 };
}

/** content | style | result as one RGB PNG row. */
export function writeStyleTransferPng(file: string, run: StyleTransferRun): string {
  const size = run.content.data.length;
  const grid = tensor([3, ...run.content.shape.slice(1)]);
  [run.content, run.style, run.image].forEach((t, i) => grid.data.set(t.data, i * size));
  return writeImageGrid(file, grid, { cols: 3, range: [0, 1] });
}

const terms = (t: Record<string, number>) =>
  Object.entries(t)
    .map(([k, v]) => `${k} ${v.toPrecision(4)}`)
    .join(', ');

export const STYLE_TRANSFER_TASKS: Task[] = [
  {
    name: 'style_transfer',
    summary: 'style transfer: noise → MNIST digit content + stripe style under a fixed random conv net (Adam on pixels)',
    async run(options: TaskOptions) {
      const base = readStyleTransferFixture();
      const fixture = { ...base, steps: options.epochs ?? base.steps, seed: options.seed ?? base.seed };
      const run = await runStyleTransfer(fixture, options.backend, (step, loss) => options.onIteration?.(step, fixture.steps, loss));
      const [initial, final] = [run.losses[0], run.losses[run.losses.length - 1]];
      const file = writeStyleTransferPng(join(options.outDir, `style_transfer_${options.backend}.png`), run);
      return {
        checks: [{ metric: 'loss drop', value: initial / final, target: fixture.target }],
        details: [
          `loss ${initial.toPrecision(4)} → ${final.toPrecision(4)} in ${fixture.steps} Adam steps`,
          `initial terms: ${terms(run.first)}`,
          `final terms: ${terms(run.last)}`,
        ],
        files: [file],
      };
    },
  },
];
