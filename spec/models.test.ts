import { afterAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../reference/models/backend';
import { read } from '../accelerated/runtime/buffers';
import { releaseGpu } from '../accelerated/runtime/device';
import { openBackend } from '../accelerated/models/open_backend';
import type { Model, StepContext } from '../reference/models/backend';
import { fcNet, initFcNet, type FcNetConfig } from '../reference/models/fc_net';
import { readSplitFixture, SPLIT } from '../reference/models/fixtures';
import { initLinear } from '../reference/models/linear';
import { linearSoftmax } from '../reference/models/linear_softmax';
import { linearSvm } from '../reference/models/linear_svm';
import { IMAGE_SIZE, splitIndices } from '../reference/models/mnist';
import { referenceBackend } from '../reference/models/reference_backend';
import { initResidualConvNet, residualConvNet } from '../reference/models/residual_conv_net';
import { learningRate, minibatches, shiftsOf, Solver, stepSeed } from '../reference/models/solver';
import { initThreeLayerConvNet, threeLayerConvNet } from '../reference/models/three_layer_conv_net';
import { initTwoLayerNet, twoLayerNet } from '../reference/models/two_layer_net';
import { makeRng, randintTensor, randnTensor } from '../reference/rng';
import { add, clone, scalar, tensor, type Tensor } from '../reference/tensor';
import { trainModel, type ModelName, type TrainResult } from '../scripts/tasks/mnist_classifiers';
import { modelGradcheck } from './harness/gradcheck';
import { GRADCHECK_THRESHOLD } from './harness/tolerance';

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

describe('solver augmentation (random image shifts)', () => {
  const augment = { max_shift: 2, image_size: 6 };
  const [N, C, S] = [5, 2, 6];
  /** Integer pixels (exact in float32), distinct per (row, channel, i, j). */
  const X = tensor(
    [N, C * S * S],
    Array.from({ length: N * C * S * S }, (_, k) => k + 1),
  );
  const y = tensor([N], [3, 1, 4, 1, 5]);
  const rows = [4, 0, 2];

  it('draws per-row shifts in −max_shift … max_shift, reproducibly per seed and step', () => {
    const s = shiftsOf(augment, 40, 7, 3);
    expect(s.dy).toHaveLength(40);
    expect([...s.dy, ...s.dx].every((d) => Number.isInteger(d) && Math.abs(d) <= 2)).toBe(true);
    expect(new Set([...s.dy, ...s.dx]).size).toBe(5);
    expect(shiftsOf(augment, 40, 7, 3)).toEqual(s);
    expect(shiftsOf(augment, 40, 7, 4)).not.toEqual(s);
    expect(shiftsOf(augment, 40, 8, 3)).not.toEqual(s);
    expect(() => shiftsOf({ max_shift: 1.5, image_size: 6 }, 1, 0, 0)).toThrow(/augment.max_shift must be an integer ≥ 0, got 1.5/);
  });

  it('the reference gathers each row shifted by (dy, dx), 0 where the pixel comes from outside; the twin gathers the same pixels', async () => {
    const shifts = { size: S, dy: [1, -2, 0], dx: [-1, 2, 0] };
    const ref = referenceBackend.gatherRows(X, y, rows, shifts);
    rows.forEach((r, n) => {
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < S; i++) {
          for (let j = 0; j < S; j++) {
            const [si, sj] = [i - shifts.dy[n], j - shifts.dx[n]];
            const inside = si >= 0 && si < S && sj >= 0 && sj < S;
            const expected = inside ? X.data[((r * C + c) * S + si) * S + sj] : 0;
            expect(ref.X.data[((n * C + c) * S + i) * S + j], `row ${n} (${c}, ${i}, ${j})`).toBe(expected);
          }
        }
      }
      expect(ref.y.data[n]).toBe(y.data[r]);
    });
    const gpu = await openBackend('webgpu');
    const [gX, gy] = [gpu.upload(X), gpu.upload(y, 'i32')];
    const twin = gpu.gatherRows(gX, gy, rows, shiftsOf(augment, rows.length, 1, 2));
    const again = referenceBackend.gatherRows(X, y, rows, shiftsOf(augment, rows.length, 1, 2));
    expect(Array.from((await read(twin.X)).data)).toEqual(Array.from(again.X.data));
    expect(Array.from((await read(twin.y)).data)).toEqual(Array.from(again.y.data));
    gpu.release(gX, gy, twin.X, twin.y);
  });

  it('the Solver trains on the shifted minibatch of its seed and step', async () => {
    const model = linearSoftmax(0);
    const params = initLinear(C * S * S, 10, 0.01, 0);
    const config = { update: 'sgd' as const, optim_config: { lr: 0.1 }, batch_size: N, num_epochs: 1, seed: 3, augment };
    const { lossHistory } = await new Solver(referenceBackend, model, params, { X_train: X, y_train: y, X_val: X, y_val: y }, config).train({
      train: N,
      val: N,
    });
    const [batch] = minibatches(N, N, 3, 0);
    const shifted = referenceBackend.gatherRows(X, y, batch, shiftsOf(augment, N, 3, 0));
    expect(lossHistory[0]).toBe(model.loss(params, shifted.X, shifted.y).loss.data[0]);
    const plain = referenceBackend.gatherRows(X, y, batch);
    expect(lossHistory[0]).not.toBe(model.loss(params, plain.X, plain.y).loss.data[0]);
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

describe('deeper classifiers: full-loss gradient checks (float64, tiny instances)', () => {
  const rng = makeRng('deep-models-gradcheck');
  /** Biases and β away from zero, γ near 1 (each instance from its own seed), so that no relu input sits near its kink. */
  const perturbed = (params: Record<string, Tensor>, seed: string) => {
    const rng = makeRng(`perturb:${seed}`);
    return Object.fromEntries(
      Object.entries(params).map(([k, t]) => {
        if (/^(b|beta)/.test(k)) return [k, add(t, randnTensor(t.shape, rng, 0.5))];
        if (k.startsWith('gamma')) return [k, add(t, randnTensor(t.shape, rng, 0.2))];
        if (k.startsWith('running_mean')) return [k, randnTensor(t.shape, rng, 0.3)];
        if (k.startsWith('running_var')) return [k, add(t, randnTensor(t.shape, rng, 0.1))];
        return [k, t];
      }),
    );
  };
  /** Splits off the model's state params: the gradient check covers every trainable one. */
  function check(model: Model<Tensor>, params: Record<string, Tensor>, X: Tensor, y: Tensor, step: StepContext) {
    const state = Object.fromEntries((model.state ?? []).map((k) => [k, params[k]]));
    const trainable = Object.fromEntries(Object.entries(params).filter(([k]) => !(k in state)));
    const errors = modelGradcheck((p) => model.loss({ ...p, ...state }, X, y, step), trainable);
    expect(Object.keys(errors).sort()).toEqual(Object.keys(trainable).sort());
    for (const [param, e] of Object.entries(errors)) expect(e, `d${param}`).toBeLessThan(GRADCHECK_THRESHOLD);
  }
  const tinyFc = (normalization: FcNetConfig['normalization'], dropout: number): FcNetConfig => ({
    hidden_dims: [4, 3],
    normalization,
    dropout,
    reg: 0.1,
    weight_scale: 0,
    input_dim: 5,
    num_classes: 3,
  });
  const X = randnTensor([6, 5], rng);
  const y = randintTensor([6], rng, 3);

  for (const [normalization, dropout] of [
    ['none', 0.3],
    ['batchnorm', 0.3],
    ['layernorm', 0],
  ] as const) {
    it(`fc_net (${normalization}, dropout ${dropout}, train mode, a fixed mask): every parameter's gradient matches centered differences`, () => {
      const config = tinyFc(normalization, dropout);
      check(fcNet(config), perturbed(initFcNet(config, 1), `fc:${normalization}`), X, y, { seed: 7 });
    });
  }

  const images = randnTensor([4, 64], rng);
  const labels = randintTensor([4], rng, 10);
  const tinyConv = { num_filters: 2, filter_size: 3, hidden_dim: 5, weight_scale: 0, reg: 0.1, image_size: 8 };
  it("three_layer_conv_net (8×8 images): every parameter's gradient matches centered differences", () => {
    check(threeLayerConvNet(tinyConv), perturbed(initThreeLayerConvNet(tinyConv, 2), 'conv'), images, labels, { seed: 0 });
  });

  /**
   * weight_scale 0.2 keeps the tiny net's softmax unsaturated (a class probability near 0 leaves its
   * bias gradient below what float64 differences resolve); the input gradient, with no softmax,
   * takes Kaiming's larger weights (0), which keep dX well above the differences' round-off.
   */
  const tinyResidual = (global_pool: number, weight_scale = 0.2) => ({ channels: 2, blocks: 1, global_pool, weight_scale, reg: 0.1, image_size: 8 });
  for (const globalPool of [0, 1]) {
    it(`residual_conv_net (${globalPool ? 'global average pool' : 'max pool – affine'} head, batch norm in train mode): every parameter's gradient matches centered differences`, () => {
      check(residualConvNet(tinyResidual(globalPool)), perturbed(initResidualConvNet(tinyResidual(globalPool), 3), `residual:${globalPool}`), images, labels, {
        seed: 0,
      });
    });
  }

  /** Test mode: the running statistics (moved away from their init) normalize, so the scores are a fixed function of X. */
  const convCases: Array<[string, Model<Tensor>, Record<string, Tensor>]> = [
    ['three_layer_conv_net', threeLayerConvNet(tinyConv), perturbed(initThreeLayerConvNet(tinyConv, 4), 'conv:input')],
    ['residual_conv_net', residualConvNet(tinyResidual(0, 0)), perturbed(initResidualConvNet(tinyResidual(0, 0), 5), 'residual:input')],
  ];
  for (const [name, model, params] of convCases) {
    it(`${name}: inputGradient is the test-mode gradient of Σ scores·dscores with respect to X`, () => {
      const dscores = randnTensor([4, 10], makeRng(`dscores:${name}`));
      const dot = (X: Tensor) => scalar(model.scores(params, X).data.reduce((s, v, i) => s + v * dscores.data[i], 0));
      const errors = modelGradcheck(({ X }) => ({ loss: dot(X), grads: { dX: model.inputGradient!(params, X, dscores) } }), { X: clone(images) });
      expect(model.inputGradient!(params, images, dscores).shape).toEqual(images.shape);
      expect(errors.X).toBeLessThan(GRADCHECK_THRESHOLD);
    });
  }
});

describe('train and test mode', () => {
  const config: FcNetConfig = { hidden_dims: [6], normalization: 'batchnorm', dropout: 0.5, reg: 0, weight_scale: 0, input_dim: 5, num_classes: 3 };
  const rng = makeRng('modes');
  const X = randnTensor([8, 5], rng);
  const y = randintTensor([8], rng, 3);

  it('dropout draws its mask from the step seed: the same seed the same loss, a new seed a new mask, none in test mode', () => {
    const model = fcNet(config);
    const params = initFcNet(config, 0);
    const loss = (seed: number) => model.loss(params, X, y, { seed }).loss.data[0];
    expect(loss(3)).toBe(loss(3));
    expect(loss(4)).not.toBe(loss(3));
    const noDropout = fcNet({ ...config, dropout: 0 });
    expect(model.scores(params, X).data).toEqual(noDropout.scores(params, X).data);
    const seeds = new Set([0, 1, 2, 3].flatMap((step) => [stepSeed(0, step), stepSeed(1, step)]));
    expect(seeds.size).toBe(8);
  });

  it('the Solver leaves batch norm running statistics to the model: after one step they are 0.9·init + 0.1·the batch moments', async () => {
    const model = fcNet({ ...config, dropout: 0 });
    const params = initFcNet(config, 0);
    const solver = new Solver(
      referenceBackend,
      model,
      params,
      { X_train: X, y_train: y, X_val: X, y_val: y },
      { update: 'adam', optim_config: { lr: 0.01 }, batch_size: 8, num_epochs: 1, seed: 0 },
    );
    const { params: trained } = await solver.train({ train: 8, val: 8 });
    // The batch moments of the first hidden pre-activation h = X·W1 (no bias before batch norm), computed here.
    const [N, D, H] = [8, 5, 6];
    for (let h = 0; h < H; h++) {
      const column = Array.from({ length: N }, (_, n) =>
        Array.from({ length: D }, (_, d) => X.data[n * D + d] * params.W1.data[d * H + h]).reduce((a, b) => a + b),
      );
      const mean = column.reduce((a, b) => a + b) / N;
      const variance = column.reduce((a, v) => a + (v - mean) ** 2, 0) / N;
      expect(trained.running_mean1.data[h]).toBeCloseTo(0.1 * mean, 12);
      expect(trained.running_var1.data[h]).toBeCloseTo(0.9 + 0.1 * variance, 12);
    }
    expect(trained.W1.data).not.toEqual(params.W1.data);
  });

  it('the Solver rejects a model whose state param the init lacks', () => {
    const model = fcNet(config);
    const { running_var1: _, ...params } = initFcNet(config, 0);
    expect(
      () =>
        new Solver(
          referenceBackend,
          model,
          params,
          { X_train: X, y_train: y, X_val: X, y_val: y },
          { update: 'sgd', optim_config: { lr: 0.01 }, batch_size: 8, num_epochs: 1, seed: 0 },
        ),
    ).toThrow(/state param running_var1 is missing/);
  });
});

describe('short runs on MNIST (both backends)', () => {
  /** 200 digits of each split and 8 steps; the conv nets, slower per digit, 40 digits and 8 steps of 10. */
  const CONV_NETS: readonly ModelName[] = ['three_layer_conv_net', 'residual_conv_net'];
  const short = (model: ModelName) =>
    CONV_NETS.includes(model) ? { limit: 40, solver: { num_epochs: 2, batch_size: 10 } } : { limit: 200, solver: { num_epochs: 2, batch_size: 50 } };
  /**
   * The backends' comparison: the short run itself, or for the conv nets 2 steps on 40 digits (Adam
   * steps by ≈ lr·sign(g), so float32 round-off in a near-zero gradient moves a weight by up to lr per
   * step: comparing after few steps keeps the stated 1e-3 meaningful).
   */
  const compared = (model: ModelName) => (CONV_NETS.includes(model) ? { limit: 40, solver: { num_epochs: 1, batch_size: 20 } } : short(model));
  const runs = new Map<string, Promise<TrainResult>>();
  const run = (model: ModelName, backend: BackendName, options = short(model)) => {
    const key = `${model}:${backend}:${JSON.stringify(options)}`;
    if (!runs.has(key)) runs.set(key, trainModel(model, { backend, ...options }));
    return runs.get(key)!;
  };
  /** max_i |a_i − b_i| (a loop: the weights are too long to spread into Math.max). */
  const maxAbsDiff = (a: Tensor, b: Tensor) => a.data.reduce((worst, v, i) => Math.max(worst, Math.abs(v - b.data[i])), 0);
  const shapes: Record<string, Record<string, number[]>> = {
    linear_softmax: { W: [IMAGE_SIZE, 10], b: [10] },
    linear_svm: { W: [IMAGE_SIZE, 10], b: [10] },
    two_layer_net: { W1: [IMAGE_SIZE, 100], b1: [100], W2: [100, 10], b2: [10] },
    // fixtures/e2e/fc_net.json: hidden_dims [256, 128], batch norm (no hidden biases; running statistics come back too)
    fc_net: {
      W1: [IMAGE_SIZE, 256],
      gamma1: [256],
      beta1: [256],
      W2: [256, 128],
      gamma2: [128],
      beta2: [128],
      W3: [128, 10],
      b3: [10],
      running_mean1: [256],
      running_var1: [256],
      running_mean2: [128],
      running_var2: [128],
    },
    // fixtures/e2e/three_layer_conv_net.json: 16 filters 5×5, hidden 100
    three_layer_conv_net: { W1: [16, 1, 5, 5], b1: [16], W2: [16 * 14 * 14, 100], b2: [100], W3: [100, 10], b3: [10] },
    // fixtures/e2e/residual_conv_net.json: 16 channels, 1 block, max pool – affine head
    residual_conv_net: {
      W0: [16, 1, 3, 3],
      W1a: [16, 16, 3, 3],
      W1b: [16, 16, 3, 3],
      ...Object.fromEntries(['0', '1a', '1b'].flatMap((k) => ['gamma', 'beta', 'running_mean', 'running_var'].map((p) => [`${p}${k}`, [16]]))),
      W_head: [16 * 7 * 7, 10],
      b_head: [10],
    },
  };
  const sortedShapes = (params: Record<string, { shape: readonly number[] }>) =>
    Object.fromEntries(
      Object.entries(params)
        .map(([k, t]) => [k, [...t.shape]])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );

  for (const model of ['linear_softmax', 'linear_svm', 'two_layer_net', 'fc_net', 'three_layer_conv_net', 'residual_conv_net'] as const) {
    it(`${model}: the loss falls and the params keep their shapes (reference)`, async () => {
      const r = await run(model, 'reference');
      expect(r.lossHistory).toHaveLength(8);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(r.lossHistory.slice(-2))).toBeLessThan(mean(r.lossHistory.slice(0, 2)));
      expect(sortedShapes(r.params)).toEqual(sortedShapes(Object.fromEntries(Object.entries(shapes[model]).map(([k, shape]) => [k, { shape }]))));
      expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2]);
      // 8 steps on 40 digits leave the conv nets far from trained: twice chance.
      expect(r.testAcc).toBeGreaterThan(CONV_NETS.includes(model) ? 0.2 : 0.5);
    });

    it(`${model}: the twin model agrees with the reference on the first steps`, async () => {
      const [ref, twin] = [await run(model, 'reference', compared(model)), await run(model, 'webgpu', compared(model))];
      expect(twin.lossHistory).toHaveLength(ref.lossHistory.length);
      ref.lossHistory.forEach((loss, i) => expect(Math.abs(twin.lossHistory[i] - loss), `loss of step ${i + 1}`).toBeLessThan(1e-3 * (1 + loss)));
      expect(Object.keys(twin.params).sort()).toEqual(Object.keys(ref.params).sort());
      for (const [name, p] of Object.entries(ref.params)) expect(maxAbsDiff(p, twin.params[name]), name).toBeLessThan(1e-3);
      // one digit of the split may flip (a score within float32 round-off of another)
      expect(Math.abs(twin.testAcc - ref.testAcc)).toBeLessThanOrEqual(Math.max(0.01, 1 / compared(model).limit + 1e-9));
    });
  }

  it('knn: both backends label the short test split alike', async () => {
    const [ref, twin] = [await run('knn', 'reference'), await run('knn', 'webgpu')];
    expect(ref.testAcc).toBeGreaterThan(0.6);
    expect(twin.testAcc).toBe(ref.testAcc);
    expect(twin.valAcc).toBe(ref.valAcc);
  });
});
