import { mkdtempSync, readFileSync } from 'node:fs';
import type { BackendName } from '../reference/models/backend';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseGpu } from '../accelerated/runtime/device';
import { openBackend } from '../accelerated/models/open_backend';
import * as gpuConvNet from '../accelerated/models/three_layer_conv_net';
import { webgpuVisualOps } from '../accelerated/models/visualization';
import type { Model } from '../reference/models/backend';
import { readSplitFixture } from '../reference/models/fixtures';
import { CLASSES, loadMnist } from '../reference/models/mnist';
import { referenceBackend } from '../reference/models/reference_backend';
import { initFeatureNet, noiseImage, stripesImage, styleTransferObjective, type StyleTransferHyper } from '../reference/models/style_transfer';
import { initThreeLayerConvNet, threeLayerConvNet } from '../reference/models/three_layer_conv_net';
import { classVisualization, foolingImages, predictions, referenceVisualOps, saliencyMaps, type VisualOps } from '../reference/models/visualization';
import { makeRng, uniformTensor } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';
import { readStyleTransferFixture, runStyleTransfer, writeStyleTransferPng, type StyleTransferRun } from '../scripts/tasks/style_transfer';
import { foolingTargets, IMAGE, pickDigits, writeVisualizationPngs } from '../scripts/tasks/visualization';
import { modelGradcheck, STEP } from './harness/gradcheck';
import { GRADCHECK_THRESHOLD } from './harness/tolerance';

/**
 * Style transfer and network visualization in the small: the style-transfer objective's gradient
 * with respect to the image passes the float64 gradient check; short runs on both backends (the
 * loss falls, the twins agree with the reference step by step, the PNGs have the right size); the
 * visualizations on a small random conv net (saliency has the image's shape and is |∂s_y/∂X| by
 * centered differences, a fooling step raises the target score, the backends agree). The full runs
 * with their targets are `gradcheck train style_transfer` and `gradcheck train network_visualization`.
 */
afterAll(releaseGpu);

/** Float32 agreement: |a − b| ≤ tol·(1 + |b|) elementwise. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i])));
  expect(worst, what).toBeLessThan(tol);
}

const pngSize = (file: string) => {
  const png = PNG.sync.read(readFileSync(file));
  return [png.width, png.height];
};

describe('style transfer', () => {
  it('the gradient of content + style + tv loss with respect to the image matches centered differences (float64, 2 blocks, 3×6×6)', () => {
    const hyper: StyleTransferHyper = {
      channels: [4, 5],
      content_layer: 1,
      content_weight: 0.7,
      style_layers: [0, 1],
      style_weights: [300, 500],
      tv_weight: 0.02,
    };
    const rng = makeRng('style-transfer-gradcheck');
    const [content, style] = [uniformTensor([1, 3, 6, 6], rng, 0, 1), stripesImage(3, 6, 6)];
    const objective = styleTransferObjective(initFeatureNet(3, hyper.channels, 5), content, style, hyper);
    const errors = modelGradcheck((p) => objective(p.img), { img: noiseImage([1, 3, 6, 6], 2) });
    expect(errors.img).toBeLessThan(GRADCHECK_THRESHOLD);
  });

  const SHORT = { ...readStyleTransferFixture(), steps: 6 };
  const runs = new Map<string, Promise<StyleTransferRun>>();
  const run = (backend: BackendName) => {
    if (!runs.has(backend)) runs.set(backend, runStyleTransfer(SHORT, backend));
    return runs.get(backend)!;
  };

  it('a short run lowers the loss every step and writes content | style | result as a 3-image PNG (reference)', async () => {
    const r = await run('reference');
    expect(r.losses).toHaveLength(SHORT.steps + 1);
    r.losses.slice(1).forEach((loss, i) => expect(loss, `loss after step ${i + 1}`).toBeLessThan(r.losses[i]));
    expect(r.image.shape).toEqual([1, 3, 28, 28]);
    const file = writeStyleTransferPng(join(mkdtempSync(join(tmpdir(), 'style-')), 'st.png'), r);
    expect(pngSize(file)).toEqual([3 * 29 + 1, 29 + 1]);
  });

  it('the twin agrees with the reference on every step (losses, terms, final image)', async () => {
    const [ref, twin] = [await run('reference'), await run('webgpu')];
    expectClose(twin.losses, ref.losses, 1e-4, 'losses');
    expectClose(Object.values(twin.last), Object.values(ref.last), 1e-4, 'final terms');
    expectClose(twin.image.data, ref.image.data, 1e-4, 'final image');
  });
});

describe('network visualization (a random three-layer conv net)', () => {
  const hyper = { num_filters: 3, filter_size: 3, hidden_dim: 16, weight_scale: 0, reg: 0 };
  const params = initThreeLayerConvNet(hyper, 7);
  const { test } = loadMnist(readSplitFixture(), 40);
  const X = tensor([4, 784], test.X.data.subarray(0, 4 * 784));
  const labels = Array.from(test.y.data.subarray(0, 4));
  const refModel = threeLayerConvNet(hyper);
  const refOps = referenceVisualOps(referenceBackend);
  const on = async (backend: BackendName) =>
    backend === 'reference'
      ? { v: refOps as VisualOps<unknown>, model: refModel as Model<unknown> }
      : { v: webgpuVisualOps(await openBackend('webgpu')) as VisualOps<unknown>, model: gpuConvNet.threeLayerConvNet(hyper) as Model<unknown> };
  const upload = <T>(v: VisualOps<T>) => Object.fromEntries(Object.entries(params).map(([k, t]) => [k, v.backend.upload(t)]));
  const score = (x: Tensor, n: number, c: number) => refModel.scores(params, tensor([1, 784], x.data.subarray(n * 784, (n + 1) * 784))).data[c];

  it("saliency has the images' spatial shape and is |∂s_y/∂X| (centered differences at a few pixels)", async () => {
    const maps = await saliencyMaps(refOps, refModel, params, X, labels, CLASSES, IMAGE);
    expect(maps.shape).toEqual([4, 28, 28]);
    for (const [n, p] of [
      [0, 300],
      [1, 406],
      [2, 377],
      [3, 433],
    ]) {
      const plus = tensor(X.shape, X.data);
      const minus = tensor(X.shape, X.data);
      plus.data[n * 784 + p] += STEP;
      minus.data[n * 784 + p] -= STEP;
      const numeric = Math.abs((score(plus, n, labels[n]) - score(minus, n, labels[n])) / (2 * STEP));
      expect(Math.abs(maps.data[n * 784 + p] - numeric), `pixel ${p} of digit ${n}`).toBeLessThan(1e-6 * (1 + numeric));
    }
  });

  /** Targets the random net does not predict yet: one fooling step each. */
  const targets = predictions(refModel.scores(params, X)).map((p) => (p + 3) % CLASSES);

  for (const backend of ['reference', 'webgpu'] as const) {
    it(`one fooling step raises every target score (${backend})`, async () => {
      const { v, model } = await on(backend);
      const p = upload(v);
      const r = await foolingImages(v, model, p, X, targets, CLASSES, { lr: 0.5, maxSteps: 1 });
      v.backend.release(...Object.values(p));
      expect(r.steps).toBe(1);
      expect(r.images.shape).toEqual(X.shape);
      targets.forEach((t, n) => expect(score(r.images, n, t), `digit ${n}`).toBeGreaterThan(score(X, n, t)));
    });
  }

  it('the twins agree with the reference: saliency, fooling steps, class visualization (jitter and blur)', async () => {
    const config = { steps: 4, lr: 0.5, reg: 0.01, jitter: 2, init_scale: 0.1, seed: 3, blur_every: 2 };
    const results = [];
    for (const backend of ['reference', 'webgpu'] as const) {
      const { v, model } = await on(backend);
      const p = upload(v);
      const x = v.backend.upload(X);
      results.push({
        saliency: await saliencyMaps(v, model, p, x, labels, CLASSES, IMAGE),
        fooled: await foolingImages(v, model, p, X, targets, CLASSES, { lr: 0.5, maxSteps: 3 }),
        visual: await classVisualization(v, model, p, [0, 5, 9], CLASSES, IMAGE, config),
      });
      v.backend.release(x, ...Object.values(p));
    }
    const [ref, twin] = results;
    expectClose(twin.saliency.data, ref.saliency.data, 1e-4, 'saliency');
    expect(twin.fooled.steps).toBe(ref.fooled.steps);
    expectClose(twin.fooled.images.data, ref.fooled.images.data, 1e-4, 'fooling images');
    expectClose(twin.visual.images.data, ref.visual.images.data, 1e-4, 'class visualization');
    expect(twin.visual.images.shape).toEqual([3, 784]);
  });

  it('picks correctly classified digits class by class, targets differ from labels, and writes the three PNGs', async () => {
    const predicted = Array.from(test.y.data);
    const picked = pickDigits(test, predicted, 3);
    expect(picked.map((r) => test.y.data[r])).toEqual([0, 1, 2]);
    const many = Array.from({ length: 50 }, (_, i) => i % CLASSES);
    foolingTargets(many, 0).forEach((t, i) => expect(t).not.toBe(many[i]));
    const maps = await saliencyMaps(refOps, refModel, params, X, labels, CLASSES, IMAGE);
    const files = writeVisualizationPngs(mkdtempSync(join(tmpdir(), 'vis-')), 'reference', {
      digits: X,
      labels,
      saliency: maps,
      targets,
      fooled: X,
      foolingPredicted: targets,
      foolingSteps: 0,
      classImages: tensor([CLASSES, 784]),
      classPredicted: [],
    });
    expect(files.map(pngSize)).toEqual([
      [4 * 29 + 1, 2 * 29 + 1],
      [4 * 29 + 1, 3 * 29 + 1],
      [CLASSES * 29 + 1, 29 + 1],
    ]);
  });
});
