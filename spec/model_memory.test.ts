import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getGpu, releaseGpu } from '../accelerated/runtime/device';
import { openBackend } from '../accelerated/models/open_backend';
import * as gpuConvNet from '../accelerated/models/three_layer_conv_net';
import { webgpuVisualOps } from '../accelerated/models/visualization';
import { readSplitFixture } from '../reference/models/fixtures';
import { CLASSES, loadMnist } from '../reference/models/mnist';
import { initThreeLayerConvNet } from '../reference/models/three_layer_conv_net';
import { classVisualization, foolingImages, saliencyMaps } from '../reference/models/visualization';
import { tensor } from '../reference/tensor';
import { trainCaptioner } from '../scripts/tasks/captioning';
import { trainDetector } from '../scripts/tasks/detection';
import { trainGan, trainSimclr, trainVae } from '../scripts/tasks/generative';
import { trainModel } from '../scripts/tasks/mnist_classifiers';
import { readStyleTransferFixture, runStyleTransfer } from '../scripts/tasks/style_transfer';
import { IMAGE } from '../scripts/tasks/visualization';

/**
 * Every twin model keeps its tensors on the device for a whole run, so a buffer it forgets to free
 * is lost for the rest of the run, once per step: a short run of each on the device must give back
 * every buffer it took (the pool's `lent` count returns to where it started).
 */
const outDir = mkdtempSync(join(tmpdir(), 'model-memory-'));
const captionerRun = {
  backend: 'webgpu',
  limit: 20,
  overfit: null,
  solver: { update: 'sgd', batch_size: 10, num_epochs: 1, num_train_samples: 10, optim_config: { lr: 0.05 }, schedule: undefined },
} as const;
type Run = [name: string, run: () => Promise<unknown>];
const RUNS: Run[] = [
  ...(['linear_svm', 'two_layer_net', 'fc_net', 'three_layer_conv_net', 'residual_conv_net', 'knn'] as const).map((m): Run => [
    m,
    () => trainModel(m, { backend: 'webgpu', limit: 40, solver: { num_epochs: 1, batch_size: 20 } }),
  ]),
  ['detector', () => trainDetector({ backend: 'webgpu', counts: { train: 16, test: 8 }, solver: { num_epochs: 1, batch_size: 8 } })],
  ['style_transfer', () => runStyleTransfer({ ...readStyleTransferFixture(), steps: 3 }, 'webgpu')],
  ['network_visualization', visualizations],
  ['vae', () => trainVae({ backend: 'webgpu', limit: 32, epochs: 1, hyper: { hidden: 32, latent: 4 }, train: { batch_size: 16 }, outDir })],
  ['dcgan', () => trainGan('dcgan', { backend: 'webgpu', limit: 32, epochs: 1, hyper: { channels: 4, eval_samples: 32 }, train: { batch_size: 16 }, outDir })],
  ['simclr', () => trainSimclr({ backend: 'webgpu', limit: 32, epochs: 1, hyper: { hidden: 32, projection: 16 }, train: { batch_size: 16 } })],
  ...(['captioning_rnn', 'captioning_lstm', 'captioning_attention_lstm', 'captioning_transformer'] as const).map((m): Run => [
    m,
    () => trainCaptioner(m, captionerRun),
  ]),
];

/** Saliency, fooling and class visualization of a small random conv net, on the device. */
async function visualizations(): Promise<void> {
  const hyper = { num_filters: 3, filter_size: 3, hidden_dim: 16, weight_scale: 0, reg: 0 };
  const v = webgpuVisualOps(await openBackend('webgpu'));
  const model = gpuConvNet.threeLayerConvNet(hyper);
  const params = Object.fromEntries(Object.entries(initThreeLayerConvNet(hyper, 7)).map(([k, t]) => [k, v.backend.upload(t)]));
  const { test } = loadMnist(readSplitFixture(), 8);
  const X = tensor([4, 784], test.X.data.subarray(0, 4 * 784));
  const x = v.backend.upload(X);
  await saliencyMaps(v, model, params, x, [0, 1, 2, 3], CLASSES, IMAGE);
  await foolingImages(v, model, params, X, [5, 6, 7, 8], CLASSES, { lr: 0.5, maxSteps: 2 });
  await classVisualization(v, model, params, [0, 5], CLASSES, IMAGE, { steps: 3, lr: 0.5, reg: 0.01, jitter: 2, init_scale: 0.1, seed: 3, blur_every: 2 });
  v.backend.release(x, ...Object.values(params));
}

afterAll(async () => {
  rmSync(outDir, { recursive: true, force: true });
  await releaseGpu();
});

describe('twin models free every device buffer they take', () => {
  it.each(RUNS)('%s: a short run on the device', async (_, run) => {
    const { pool } = await getGpu();
    const before = pool.lent;
    await run();
    expect(pool.lent - before, 'device buffers still taken after the run').toBe(0);
  });
});
