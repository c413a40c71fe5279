import { mkdtempSync, readFileSync } from 'node:fs';
import type { BackendName } from '../reference/models/backend';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseGpu } from '../accelerated/runtime/device';
import { dcgan, gan, initGan, mlpGan, type GanArch } from '../reference/models/gan';
import { knnAccuracy } from '../reference/models/knn';
import { augmentPairs, initSimclr, simclr } from '../reference/models/simclr';
import { initVae, vae } from '../reference/models/vae';
import { makeRng, randnTensor, uniformTensor } from '../reference/rng';
import { add, tensor, type Tensor } from '../reference/tensor';
import {
  rawMnist,
  readGenerativeFixture,
  trainGan,
  trainSimclr,
  trainVae,
  type GanResult,
  type GenerativeOptions,
  type SimclrResult,
  type VaeResult,
} from '../scripts/tasks/generative';
import { modelGradcheck } from './harness/gradcheck';
import { GRADCHECK_THRESHOLD } from './harness/tolerance';

/**
 * The generative and self-supervised models in the small: every parameter's gradient of each full
 * loss (VAE −ELBO, GAN discriminator and generator losses for the MLP GAN and the DCGAN, SimCLR's
 * nt_xent) against centered differences in float64, with the noise and reparameterization draws
 * fixed; then short runs on a few dozen MNIST digits on both backends: the losses move the
 * expected way, the twin agrees with the reference step for step, the PNG grids are written with
 * the right size. The full runs with their targets are `npx gradcheck train vae|gan|dcgan|simclr`.
 */
afterAll(releaseGpu);

const rng = makeRng('generative-models-gradcheck');
/** Biases and γ/β away from their init so that no relu / leaky_relu input sits at its kink and batch norms are not the identity. */
const perturbed = (params: Record<string, Tensor>): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(params).map(([k, t]) => [k, k.endsWith('_W') ? t : add(t, randnTensor(t.shape, rng, 0.3))]));

function expectGradcheck(errors: Record<string, number>, params: Record<string, Tensor>): void {
  expect(Object.keys(errors).sort()).toEqual(Object.keys(params).sort());
  for (const [param, e] of Object.entries(errors)) expect(e, `d${param}`).toBeLessThan(GRADCHECK_THRESHOLD);
}

describe('full-loss gradient checks (float64, tiny instances, noise fixed)', () => {
  it('vae: −ELBO = D·bce_with_logits + kl_gaussian, every parameter', () => {
    const hyper = { pixels: 6, hidden: 5, latent: 3 };
    const X = uniformTensor([4, 6], rng, 0, 1);
    const eps = randnTensor([4, 3], rng);
    const params = perturbed(initVae(hyper, 1));
    expectGradcheck(
      modelGradcheck((p) => vae(hyper).loss(p, X, eps), params),
      params,
    );
  });

  const ganCases: Array<[string, GanArch, number]> = [
    ['gan (MLP)', mlpGan({ noise: 3, hidden: 4, alpha: 0.2, pixels: 5 }), 5],
    ['dcgan (8×8 images)', dcgan({ noise: 3, channels: 2, alpha: 0.2, base: 2 }), 64],
  ];
  for (const [name, arch, pixels] of ganCases) {
    const N = 4;
    const real = uniformTensor([N, pixels], rng, -1, 1);
    const z = uniformTensor([N, arch.noise], rng, -1, 1);
    const init = initGan(arch, 2);
    const [G, D] = [perturbed(init.G), perturbed(init.D)];
    it(`${name}: discriminator_loss(D(x), D(G(z))), every discriminator parameter`, () => {
      expectGradcheck(
        modelGradcheck((p) => gan(arch).discriminatorLoss(G, p, real, z), D),
        D,
      );
    });
    it(`${name}: generator_loss(D(G(z))), every generator parameter (through D)`, () => {
      expectGradcheck(
        modelGradcheck((p) => gan(arch).generatorLoss(p, D, z), G),
        G,
      );
    });
  }

  it('simclr: nt_xent of the projected views, every encoder and head parameter', () => {
    const hyper = { pixels: 6, hidden: 5, projection: 3, tau: 0.5 };
    const views = randnTensor([6, 6], rng);
    const params = perturbed(initSimclr(hyper, 3));
    expectGradcheck(
      modelGradcheck((p) => simclr(hyper).loss(p, views), params),
      params,
    );
  });
});

describe('bad input', () => {
  it('names a missing parameter and the ones the params hold', () => {
    const hyper = { pixels: 6, hidden: 5, latent: 3 };
    const { enc_W, ...rest } = initVae(hyper, 0);
    expect(enc_W.shape).toEqual([6, 5]);
    expect(() => vae(hyper).loss(rest, uniformTensor([2, 6], rng, 0, 1), randnTensor([2, 3], rng))).toThrow(
      'model: params lack enc_W (have enc_b, mu_W, mu_b, logvar_W, logvar_b, dec1_W, dec1_b, dec2_W, dec2_b)',
    );
  });

  it('rejects a DCGAN with an odd channel count', () => {
    expect(() => dcgan({ noise: 3, channels: 3, alpha: 0.2 })).toThrow('dcgan: channels must be an even number ≥ 2, got 3');
  });
});

describe('augmentPairs', () => {
  it('makes rows k and k + N shifted copies of image k (no noise), reproducibly per seed', () => {
    const X = tensor(
      [2, 16],
      Array.from({ length: 32 }, (_, i) => (i % 16) + 1 + 100 * Math.floor(i / 16)),
    );
    const views = augmentPairs(X, 4, makeRng('aug'), { shift: 1, noise: 0 });
    expect(views.shape).toEqual([4, 16]);
    expect(augmentPairs(X, 4, makeRng('aug'), { shift: 1, noise: 0 }).data).toEqual(views.data);
    for (let v = 0; v < 4; v++) {
      const source = Array.from(X.data.subarray((v % 2) * 16, ((v % 2) + 1) * 16));
      // every non-zero pixel of a view is a pixel of its source image
      for (const value of views.data.subarray(v * 16, (v + 1) * 16)) if (value !== 0) expect(source).toContain(value);
    }
    expect(() => augmentPairs(X, 5, makeRng('aug'), { shift: 1, noise: 0 })).toThrow('augmentPairs: X must have side·side = 25 columns, got 16');
  });
});

/** Short runs: a few dozen digits, small widths, both backends; memoized per model and backend. */
const outDir = mkdtempSync(join(tmpdir(), 'generative-models-'));
const SHORT: Record<'vae' | 'gan' | 'dcgan' | 'simclr', Omit<GenerativeOptions, 'backend'>> = {
  vae: { limit: 48, epochs: 2, hyper: { hidden: 32, latent: 4 }, train: { batch_size: 16 }, outDir },
  gan: { limit: 48, epochs: 2, hyper: { hidden: 32, eval_samples: 48 }, train: { batch_size: 16 }, outDir },
  dcgan: { limit: 32, epochs: 1, hyper: { channels: 4, eval_samples: 32 }, train: { batch_size: 16 }, outDir },
  simclr: { limit: 48, epochs: 2, hyper: { hidden: 32, projection: 16 }, train: { batch_size: 16 } },
};
const memo = new Map<string, Promise<unknown>>();
function short<R>(model: keyof typeof SHORT, backend: BackendName, run: (o: GenerativeOptions) => Promise<R>): Promise<R> {
  const key = `${model}:${backend}`;
  if (!memo.has(key)) memo.set(key, run({ ...SHORT[model], backend }));
  return memo.get(key) as Promise<R>;
}
const vaeRun = (b: BackendName) => short('vae', b, trainVae);
const ganRun = (name: 'gan' | 'dcgan', b: BackendName) => short(name, b, (o) => trainGan(name, o));
const simclrRun = (b: BackendName) => short('simclr', b, trainSimclr);

const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Float32 twin vs float64 reference after a few Adam steps (see the comment at the call). */
const LOSS_RTOL = 1e-3;
const PARAM_ATOL = 1e-3;

function expectAgreement(refLosses: readonly number[], twinLosses: readonly number[], refParams: Record<string, Tensor>, twinParams: Record<string, Tensor>) {
  expect(twinLosses).toHaveLength(refLosses.length);
  refLosses.forEach((loss, i) => expect(Math.abs(twinLosses[i] - loss), `loss of step ${i + 1}`).toBeLessThan(LOSS_RTOL * (1 + Math.abs(loss))));
  expect(Object.keys(twinParams).sort()).toEqual(Object.keys(refParams).sort());
  for (const [name, p] of Object.entries(refParams)) {
    expect(twinParams[name].shape, name).toEqual(p.shape);
    const worst = Math.max(...p.data.map((v, i) => Math.abs(v - twinParams[name].data[i])));
    expect(worst, name).toBeLessThan(PARAM_ATOL);
  }
}

/** The PNG at `file` decodes and is a grid of `count` 28×28 tiles in 8 columns with 1-pixel gaps. */
function expectGrid(file: string, count: number): void {
  const png = PNG.sync.read(readFileSync(file));
  expect([png.width, png.height]).toEqual([8 * 29 + 1, Math.ceil(count / 8) * 29 + 1]);
}

describe('short runs on MNIST (both backends)', () => {
  // Both backends see the same data, noise and augmentations (host draws, uploaded); the twin
  // differs by float32 rounding, which Adam's normalized steps (size ≈ lr = 1e-3) keep small over
  // a few steps: losses within 1e-3 relative, params within 1e-3 absolute.
  it('vae: the −ELBO falls, grids are written (reference)', async () => {
    const r: VaeResult = await vaeRun('reference');
    expect(r.lossHistory).toHaveLength(6);
    expect(r.epochLoss[1]).toBeLessThan(r.epochLoss[0]);
    expect(r.testKl).toBeGreaterThan(0);
    expect(r.testNelbo).toBeGreaterThan(r.testKl);
    expect(r.files.map((f) => f.split('/').pop())).toEqual(['vae-samples-reference.png', 'vae-reconstructions-reference.png']);
    expectGrid(r.files[0], 64);
    expectGrid(r.files[1], 64);
  });

  it('vae: the twin agrees with the reference on every step', async () => {
    const [ref, twin] = [await vaeRun('reference'), await vaeRun('webgpu')];
    expectAgreement(ref.lossHistory, twin.lossHistory, ref.params, twin.params);
    expect(Math.abs(twin.testNelbo - ref.testNelbo)).toBeLessThan(LOSS_RTOL * ref.testNelbo);
    expectGrid(twin.files[0], 64);
  });

  for (const name of ['gan', 'dcgan'] as const) {
    it(`${name}: the discriminator loss falls from its first step, the generator loss stays finite; grid written (reference)`, async () => {
      const r: GanResult = await ganRun(name, 'reference');
      const dLosses = r.lossHistory.map((l) => l[0]);
      expect(meanOf(dLosses.slice(-2))).toBeLessThan(dLosses[0]);
      for (const [, g] of r.lossHistory) expect(Number.isFinite(g) && g > 0).toBe(true);
      expect(r.meanImageRmse.initial).toBeGreaterThan(0);
      expect(r.nearestRatio.initial).toBeGreaterThan(1);
      expect(Object.keys(r.G).every((k) => k.startsWith('G'))).toBe(true);
      expect(Object.keys(r.D).every((k) => k.startsWith('D'))).toBe(true);
      expectGrid(r.files[0], 64);
    });

    it(`${name}: the twin agrees with the reference on every step`, async () => {
      const [ref, twin] = [await ganRun(name, 'reference'), await ganRun(name, 'webgpu')];
      expectAgreement(ref.lossHistory.flat(), twin.lossHistory.flat(), { ...ref.G, ...ref.D }, { ...twin.G, ...twin.D });
      expect(Math.abs(twin.meanImageRmse.final - ref.meanImageRmse.final)).toBeLessThan(1e-3);
    });
  }

  it('simclr: nt_xent falls; the raw-pixel probe is the kNN classifier on the same rows (reference)', async () => {
    const r: SimclrResult = await simclrRun('reference');
    expect(r.lossHistory).toHaveLength(6);
    expect(r.epochLoss[1]).toBeLessThan(r.epochLoss[0]);
    const { train, test } = rawMnist(SHORT.simclr.limit);
    expect(r.probe.pixels).toBe(knnAccuracy(train.X, train.y, test.X, test.y, readGenerativeFixture('simclr').hyper.k));
    // above chance (10 classes) on 48 neighbours, before and after training
    expect(r.probe.untrained).toBeGreaterThan(0.15);
    expect(r.probe.learned).toBeGreaterThan(0.15);
  });

  it('simclr: the twin agrees with the reference on every step', async () => {
    const [ref, twin] = [await simclrRun('reference'), await simclrRun('webgpu')];
    expectAgreement(ref.lossHistory, twin.lossHistory, ref.params, twin.params);
    expect(twin.probe.pixels).toBe(ref.probe.pixels);
  });
});
