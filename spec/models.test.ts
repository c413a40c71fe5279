import { afterAll, describe, expect, it } from 'vitest';
import { releaseGpu } from '../accelerated/device';
import type { Model } from '../reference/models/backend';
import { readSplitFixture, SPLIT } from '../reference/models/fixtures';
import { add, initLinear } from '../reference/models/linear';
import { linearSoftmax } from '../reference/models/linear_softmax';
import { linearSvm } from '../reference/models/linear_svm';
import { IMAGE_SIZE, splitIndices } from '../reference/models/mnist';
import { learningRate, minibatches } from '../reference/models/solver';
import { initTwoLayerNet, twoLayerNet } from '../reference/models/two_layer_net';
import { makeRng, randintTensor, randnTensor } from '../reference/rng';
import type { Tensor } from '../reference/tensor';
import { trainModel, type ModelName, type TrainResult } from '../scripts/tasks/mnist_classifiers';
import { modelGradcheck } from './gradcheck';
import { GRADCHECK_THRESHOLD } from './tolerance';

/**
 * The end-to-end models in the small: the data split is the fixture's, every model's full loss
 * (data loss + L2) passes a float64 gradient check for every parameter on a tiny instance, and
 * short runs on a few hundred MNIST digits show the loss falling, the params keeping their shapes
 * and both backends agreeing step for step. The full runs with their targets are `npm run e2e`.
 */
afterAll(releaseGpu);

describe('mnist split', () => {
  it('fixtures/e2e/mnist-split.json is what its seed and sizes give, and the splits are disjoint', () => {
    const fixture = readSplitFixture();
    expect({ seed: fixture.seed, sizes: fixture.sizes }).toEqual(SPLIT);
    const { train, val, test } = splitIndices(fixture);
    expect({ train: fixture.train, val: fixture.val, test: fixture.test }).toEqual({ train, val, test });
    expect(new Set([...train, ...val, ...test]).size).toBe(train.length + val.length + test.length);
  });
});

describe('solver', () => {
  it('shuffles every row into exactly one minibatch, reproducibly per seed and epoch', () => {
    const batches = minibatches(23, 5, 7, 2);
    expect(batches.map((b) => b.length)).toEqual([5, 5, 5, 5, 3]);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(minibatches(23, 5, 7, 2)).toEqual(batches);
    expect(minibatches(23, 5, 7, 3)).not.toEqual(batches);
  });

  it('takes the learning rate of each epoch from the schedule', () => {
    const config = { update: 'sgd' as const, optim_config: { lr: 0.1 }, batch_size: 1, num_epochs: 1, seed: 0 };
    expect(learningRate(config, 3)).toBe(0.1);
    const stepped = { ...config, schedule: { name: 'step_schedule' as const, params: { step_size: 2, gamma: 0.5 } } };
    expect([0, 1, 2, 3, 4].map((e) => learningRate(stepped, e))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });
});

describe('full-loss gradient checks (float64, tiny instances)', () => {
  const [N, D, H, C] = [6, 5, 4, 3];
  const rng = makeRng('models-gradcheck');
  const X = randnTensor([N, D], rng);
  const y = randintTensor([N], rng, C);
  /** Biases away from zero so that no relu input or hinge margin sits near its kink. */
  const withBiases = (params: Record<string, Tensor>) =>
    Object.fromEntries(Object.entries(params).map(([k, t]) => [k, k.startsWith('b') ? add(t, randnTensor(t.shape, rng, 0.5)) : t]));
  const cases: Array<[string, Model<Tensor>, Record<string, Tensor>]> = [
    ['linear_softmax', linearSoftmax(0.1), withBiases(initLinear(D, C, 1, 1))],
    ['linear_svm', linearSvm(0.1), withBiases(initLinear(D, C, 1, 2))],
    ['two_layer_net', twoLayerNet(0.1), withBiases(initTwoLayerNet(D, H, C, 1, 3))],
  ];
  for (const [name, model, params] of cases) {
    it(`${name}: every parameter's gradient of data loss + L2 matches centered differences`, () => {
      const errors = modelGradcheck((p) => model.loss(p, X, y), params);
      expect(Object.keys(errors)).toEqual(Object.keys(params));
      for (const [param, e] of Object.entries(errors)) expect(e, `d${param}`).toBeLessThan(GRADCHECK_THRESHOLD);
    });
  }
});

describe('short runs on MNIST (both backends)', () => {
  const SHORT = { limit: 200, solver: { num_epochs: 2, batch_size: 50 } };
  const runs = new Map<string, Promise<TrainResult>>();
  const run = (model: ModelName, backend: 'reference' | 'webgpu') => {
    const key = `${model}:${backend}`;
    if (!runs.has(key)) runs.set(key, trainModel(model, { backend, ...SHORT }));
    return runs.get(key)!;
  };
  const shapes: Record<string, Record<string, number[]>> = {
    linear_softmax: { W: [IMAGE_SIZE, 10], b: [10] },
    linear_svm: { W: [IMAGE_SIZE, 10], b: [10] },
    two_layer_net: { W1: [IMAGE_SIZE, 100], b1: [100], W2: [100, 10], b2: [10] },
  };

  for (const model of ['linear_softmax', 'linear_svm', 'two_layer_net'] as const) {
    it(`${model}: the loss falls and the params keep their shapes (reference)`, async () => {
      const r = await run(model, 'reference');
      expect(r.lossHistory).toHaveLength(8);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(r.lossHistory.slice(-2))).toBeLessThan(mean(r.lossHistory.slice(0, 2)));
      expect(Object.fromEntries(Object.entries(r.params).map(([k, t]) => [k, [...t.shape]]))).toEqual(shapes[model]);
      expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2]);
      expect(r.testAcc).toBeGreaterThan(0.5);
    });

    it(`${model}: the twin model agrees with the reference on the first steps`, async () => {
      const [ref, twin] = [await run(model, 'reference'), await run(model, 'webgpu')];
      ref.lossHistory.forEach((loss, i) => expect(Math.abs(twin.lossHistory[i] - loss), `loss of step ${i + 1}`).toBeLessThan(1e-3 * (1 + loss)));
      for (const [name, p] of Object.entries(ref.params)) {
        const worst = Math.max(...p.data.map((v, i) => Math.abs(v - twin.params[name].data[i])));
        expect(worst, name).toBeLessThan(1e-3);
      }
      expect(Math.abs(twin.testAcc - ref.testAcc)).toBeLessThanOrEqual(0.01);
    });
  }

  it('knn: both backends label the short test split alike', async () => {
    const [ref, twin] = [await run('knn', 'reference'), await run('knn', 'webgpu')];
    expect(ref.testAcc).toBeGreaterThan(0.6);
    expect(twin.testAcc).toBe(ref.testAcc);
    expect(twin.valAcc).toBe(ref.valAcc);
  });
});

