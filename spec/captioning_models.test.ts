import { afterAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../reference/models/backend';
import { read, release, upload, type GpuTensor } from '../accelerated/runtime/buffers';
import { getGpu, releaseGpu } from '../accelerated/runtime/device';
import { gpuCaptioningRnn } from '../accelerated/models/captioning_rnn';
import { gpuCaptioningTransformer } from '../accelerated/models/captioning_transformer';
import type { Model } from '../reference/models/backend';
import { exactMatches } from '../reference/models/captioning_ops';
import { initCaptioningRnn, referenceCaptioningRnn, type CellKind } from '../reference/models/captioning_rnn';
import { initCaptioningTransformer, referenceCaptioningTransformer } from '../reference/models/captioning_transformer';
import { caption, CELL_SIZE, END, generateStrips, readStripFixture, START, WORDS } from '../reference/models/digit_strips';
import { mnistImages } from '../reference/models/mnist';
import { makeRng, randnTensor } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';
import { CAPTIONERS, trainCaptioner, type CaptionerName, type CaptionTrainResult } from '../scripts/tasks/captioning';
import { modelGradcheck } from './harness/gradcheck';
import { GRADCHECK_THRESHOLD } from './harness/tolerance';

/**
 * The captioning models in the small: the digit-strip generator, a float64 gradient check of every
 * parameter of each captioner's full loss on a tiny instance, and short runs on both backends (the
 * loss falls, the twin agrees with the reference step for step, greedy captions have their shape and
 * match the reference's). The full runs with their targets are `npx gradcheck train captioning_*`.
 */
afterAll(releaseGpu);

describe('digit strips', () => {
  const spec = { seed: 3, sizes: { train: 0, val: 0, test: 0 }, min_digits: 2, max_digits: 4, train_shift: 0 };
  const { pixels, labels } = mnistImages();
  /** The central 20×20 window (rows and columns 4 … 23) of MNIST image g, as the generator draws it unshifted. */
  const window = (g: number) => Array.from({ length: CELL_SIZE }, (_, k) => pixels[g * 784 + (4 + Math.floor(k / 20)) * 28 + 4 + (k % 20)]);

  it('draws 2–4 digits of its pool per strip, with the caption of their labels and blank cells after', () => {
    const pool = [5, 1234, 6000, 9999];
    const strips = generateStrips(spec, 'test', pool, 30);
    expect(strips.cells.shape).toEqual([30, 4, CELL_SIZE]);
    expect(strips.captions.shape).toEqual([30, 6]);
    const images = pool.map(window);
    const counts = new Set<number>();
    strips.digits.forEach((digits, n) => {
      counts.add(digits.length);
      expect(Array.from(strips.captions.data.subarray(n * 6, n * 6 + 6))).toEqual(caption(digits, 6));
      for (let p = 0; p < 4; p++) {
        const cell = Array.from(strips.cells.data.subarray((n * 4 + p) * CELL_SIZE, (n * 4 + p + 1) * CELL_SIZE));
        if (p >= digits.length) {
          expect(cell.every((v) => v === 0)).toBe(true);
          continue;
        }
        const k = images.findIndex((image) => image.every((v, i) => Math.abs(v - cell[i]) < 1e-12));
        expect(k, `strip ${n} cell ${p}`).toBeGreaterThanOrEqual(0);
        expect(labels[pool[k]]).toBe(digits[p]);
      }
    });
    expect([...counts].sort()).toEqual([2, 3, 4]);
  });

  it('is deterministic per seed and split, and shifts train digits only', () => {
    const pool = Array.from({ length: 50 }, (_, i) => i * 7);
    const a = generateStrips({ ...spec, train_shift: 2 }, 'train', pool, 12);
    expect(generateStrips({ ...spec, train_shift: 2 }, 'train', pool, 12)).toEqual(a);
    expect(generateStrips({ ...spec, seed: 4, train_shift: 2 }, 'train', pool, 12).captions).not.toEqual(a.captions);
    const unshifted = generateStrips(spec, 'train', pool, 12);
    expect(unshifted.captions).toEqual(a.captions);
    expect(unshifted.cells).not.toEqual(a.cells);
    expect(generateStrips({ ...spec, train_shift: 2 }, 'val', pool, 12)).toEqual(generateStrips(spec, 'val', pool, 12));
  });

  it('the fixture documents its generator', () => {
    const fixture = readStripFixture();
    expect(fixture.description).toMatch(/digit-strips:<seed>:<s>/);
    expect(fixture.max_digits).toBe(4);
    expect(WORDS.slice(0, 3)).toEqual(['<NULL>', '<START>', '<END>']);
  });

  it('exact match compares up to <END> only', () => {
    const captions = tensor([2, 5], [START, 4, 5, END, 0, START, 6, END, 0, 0]);
    const tokens = tensor([2, 5], [START, 4, 5, END, 9, START, 6, 7, END, 0]);
    expect(exactMatches(tokens, captions)).toEqual([true, false]);
  });

  it('rejects a bad spec, naming the argument', () => {
    expect(() => generateStrips({ ...spec, min_digits: 5 }, 'train', [1], 1)).toThrow(/min_digits and max_digits .* got 5 and 4/);
    expect(() => generateStrips({ ...spec, train_shift: -1 }, 'train', [1], 1)).toThrow(/train_shift must be an integer ≥ 0, got -1/);
  });
});

describe('full-loss gradient checks (float64, tiny instances)', () => {
  const [N, P, Dc, V, L] = [2, 4, 3, 7, 5];
  const rng = makeRng('captioning-gradcheck');
  const X = randnTensor([N, P, Dc], rng);
  const captions = tensor([N, L], [START, 3, 5, END, 0, START, 6, 4, 3, END]);
  /** Biases away from zero so that no relu input sits at its kink. */
  const withBiases = (params: Record<string, Tensor>) => {
    for (const [k, t] of Object.entries(params)) if (/^b|_b/.test(k)) t.data.set(randnTensor(t.shape, rng, 0.5).data);
    return params;
  };
  const cases: Array<[string, Model<Tensor>, Record<string, Tensor>]> = [
    ...(['rnn', 'lstm', 'attention_lstm'] as const).map((cell, k): [string, Model<Tensor>, Record<string, Tensor>] => [
      cell,
      referenceCaptioningRnn(cell, { length: L }),
      withBiases(initCaptioningRnn(cell, { P, Dc, C: 3, V, W: 3, H: 4 }, k)),
    ]),
    [
      'transformer',
      referenceCaptioningTransformer({ length: L, heads: 2, F: 5, layers: 2 }),
      withBiases(initCaptioningTransformer({ P, Dc, C: 3, V, E: 4, F: 5, heads: 2, layers: 2 }, 3)),
    ],
  ];
  for (const [name, model, params] of cases) {
    it(`${name}: every parameter's gradient of the caption loss matches centered differences`, () => {
      const errors = modelGradcheck((p) => model.loss(p, X, captions), params);
      expect(Object.keys(errors).sort()).toEqual(Object.keys(params).sort());
      for (const [param, e] of Object.entries(errors)) expect(e, `d${param}`).toBeLessThan(GRADCHECK_THRESHOLD);
    });
  }

  it("transformer: the keys' bias gets zero gradient (softmax ignores a shift shared by all keys)", () => {
    const [, model, params] = cases[3];
    const { grads } = model.loss(params, X, captions);
    for (const name of ['layer0_self_bk', 'layer0_cross_bk']) {
      const scale = Math.max(...grads[`d${name.replace('bk', 'bq')}`].data.map(Math.abs));
      expect(Math.max(...grads[`d${name}`].data.map(Math.abs)), name).toBeLessThan(1e-12 * Math.max(1, scale));
    }
  });
});

describe('init', () => {
  it("the LSTMs' bias is 1 on the forget gate (block f of i, f, o, g) and 0 elsewhere; the RNN's is 0", () => {
    const H = 8;
    for (const cell of ['lstm', 'attention_lstm'] as const) {
      const { b } = initCaptioningRnn(cell, { P: 4, Dc: 5, C: 3, V: 7, W: 3, H }, 0);
      expect(Array.from(b.data), cell).toEqual(Array.from({ length: 4 * H }, (_, i) => (i >= H && i < 2 * H ? 1 : 0)));
    }
    expect(initCaptioningRnn('rnn', { P: 4, Dc: 5, C: 3, V: 7, W: 3, H }, 0).b.data.every((v) => v === 0)).toBe(true);
  });
});

describe('greedy captions on the device', () => {
  it("equal the reference's for the same weights, <START> first, every model", async () => {
    const gpu = await getGpu();
    const strips = generateStrips(
      { seed: 1, sizes: { train: 0, val: 0, test: 0 }, min_digits: 2, max_digits: 4, train_shift: 0 },
      'val',
      [3, 77, 500, 4242],
      6,
    );
    const sizes = { P: 4, Dc: CELL_SIZE, C: 16, V: WORDS.length };
    const opts = { length: 6, heads: 2, F: 16, layers: 1 };
    const models: Array<[Record<string, Tensor>, Model<Tensor>, Model<GpuTensor>]> = [
      ...(['rnn', 'lstm', 'attention_lstm'] as CellKind[]).map((cell): [Record<string, Tensor>, Model<Tensor>, Model<GpuTensor>] => [
        initCaptioningRnn(cell, { ...sizes, W: 8, H: 16 }, 5),
        referenceCaptioningRnn(cell, { length: 6 }),
        gpuCaptioningRnn(gpu, cell, { length: 6 }),
      ]),
      [initCaptioningTransformer({ ...sizes, E: 8, F: 16, heads: 2, layers: 1 }, 5), referenceCaptioningTransformer(opts), gpuCaptioningTransformer(gpu, opts)],
    ];
    for (const [params, ref, twin] of models) {
      const expected = ref.scores(params, strips.cells);
      const onDevice = Object.fromEntries(Object.entries(params).map(([k, t]) => [k, upload(gpu, t)]));
      const X = upload(gpu, strips.cells);
      const tokens = twin.scores(onDevice, X);
      const got = await read(tokens);
      release(tokens, X, ...Object.values(onDevice));
      expect(got.shape).toEqual([6, 6]);
      for (let n = 0; n < 6; n++) expect(got.data[n * 6]).toBe(START);
      expect(Array.from(got.data)).toEqual(Array.from(expected.data));
    }
  });
});

describe('short runs on digit strips (both backends)', () => {
  const SHORT = {
    limit: 40,
    overfit: null,
    // Plain SGD: Adam's steps on near-zero gradients (e.g. the keys' bias) follow the sign of float32 noise.
    solver: { update: 'sgd' as const, batch_size: 20, num_epochs: 3, num_train_samples: 20, optim_config: { lr: 0.05 }, schedule: undefined },
  };
  const runs = new Map<string, Promise<CaptionTrainResult>>();
  const run = (model: CaptionerName, backend: BackendName) => {
    const key = `${model}:${backend}`;
    if (!runs.has(key)) runs.set(key, trainCaptioner(model, { backend, ...SHORT }));
    return runs.get(key)!;
  };

  for (const model of CAPTIONERS) {
    it(`${model}: the loss falls and greedy captions have their shape (reference)`, async () => {
      const r = await run(model, 'reference');
      const history = r.train.lossHistory;
      expect(history).toHaveLength(6);
      expect(history[5] + history[4]).toBeLessThan(history[0] + history[1]);
      expect(r.samples.shape).toEqual([16, 6]);
      expect(r.samples.data.every((w, i) => (i % 6 === 0 ? w === START : w >= 0 && w < WORDS.length))).toBe(true);
      expect(r.testMatch).toBeGreaterThanOrEqual(0);
      expect(r.testMatch).toBeLessThanOrEqual(1);
    });

    it(`${model}: the twin agrees with the reference on the first steps`, async () => {
      const [ref, twin] = [await run(model, 'reference'), await run(model, 'webgpu')];
      ref.train.lossHistory.forEach((loss, i) => expect(Math.abs(twin.train.lossHistory[i] - loss), `loss of step ${i + 1}`).toBeLessThan(1e-3 * (1 + loss)));
      // The same validation exact match per epoch, so the Solver keeps the same epoch's weights on both.
      expect(twin.train.epochs.map((e) => Math.round(e.valAcc * 1e4))).toEqual(ref.train.epochs.map((e) => Math.round(e.valAcc * 1e4)));
      for (const [name, p] of Object.entries(ref.params)) {
        const worst = Math.max(...p.data.map((v, i) => Math.abs(v - twin.params[name].data[i])));
        expect(worst, name).toBeLessThan(1e-3);
      }
      expect(twin.samples.shape).toEqual(ref.samples.shape);
    });
  }
});
