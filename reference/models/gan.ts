import { makeRng, uniformTensor, type Rng } from '../rng';
import { tensor, type Tensor } from '../tensor';
import { discriminatorAccuracy, SampleStats } from './gan_metrics';
import { initLayers, netForward, REFERENCE_OPS, upstream, type Layer, type ModelOps } from './generative_layers';
import { adamFor, firstRows, readAll, trainEpochs, uploadAll } from './generative_training';
import type { GenerativeBackend, GenerativeData, Shaped, TrainConfig, TrainOptions } from './generative_training';

/**
 * Generative adversarial networks on 28×28 images flattened to 784 pixels in [−1, 1] (the cs231n GAN
 * notebook), trained by alternating updates:
 *
 *   discriminator step: L_D = discriminator_loss(D(x), D(G(z)))   (BCE(real, 1) + BCE(fake, 0)), in D's params
 *   generator step:     L_G = generator_loss(D(G(z)))             (non-saturating BCE(fake, 1)), in G's params
 *
 * Two architectures (their layers below):
 *   gan    G: z (noise) → affine → relu → affine → tanh (784)
 *          D: x (784) → affine → leaky_relu → affine → one logit
 *   dcgan  G: z → affine → relu → (C, 7, 7) → conv_transpose2d (4, stride 2, pad 1) → relu → (C/2, 14, 14)
 *             → conv_transpose2d (4, stride 2, pad 1) → tanh (1, 28, 28)
 *          D: x (1, 28, 28) → conv2d (4, stride 2, pad 1) → leaky_relu → conv2d (4, stride 2, pad 1) →
 *             leaky_relu → affine → one logit
 * The DCGAN has no batch norms (Radford et al. put one after each generator layer): with batch
 * statistics over a small batch some generator gradients are ~1e-9 … 1e-6 (the normalized
 * features' scale and shift invariance), below what float64 centered differences of an O(1) loss
 * resolve (~1e-11), so the full-loss gradient check could not cover them.
 * Written once over ModelOps (generative_layers.ts): `ganModel(REFERENCE_OPS, …)` composes the
 * reference ops, accelerated/models/gan.ts the twins.
 */
export interface GanArch {
  noise: number;
  generator: Layer[];
  discriminator: Layer[];
}

/** pixels: 784 (28×28) unless stated (tiny instances in the gradient checks). */
export interface GanHyper {
  noise: number;
  hidden: number;
  alpha: number;
  pixels?: number;
}

export function mlpGan({ noise, hidden, alpha, pixels = 784 }: GanHyper): GanArch {
  return {
    noise,
    generator: [
      { kind: 'affine', name: 'G1', in: noise, out: hidden },
      { kind: 'relu' },
      { kind: 'affine', name: 'G2', in: hidden, out: pixels },
      { kind: 'tanh' },
    ],
    discriminator: [
      { kind: 'affine', name: 'D1', in: pixels, out: hidden },
      { kind: 'leaky_relu', alpha },
      { kind: 'affine', name: 'D2', in: hidden, out: 1 },
      { kind: 'reshape', shape: [] },
    ],
  };
}

/**
 * channels: the generator's channels at 7×7 (halved at 14×14) and the discriminator's at 7×7
 * (halved at 14×14); base: that smallest side, 7 for 28×28 images unless stated (images are
 * 4·base on a side: tiny instances in the gradient checks).
 */
export interface DcganHyper {
  noise: number;
  channels: number;
  alpha: number;
  base?: number;
}

export function dcgan({ noise, channels: c, alpha, base = 7 }: DcganHyper): GanArch {
  const half = c / 2;
  if (!Number.isInteger(half) || half < 1) throw new Error(`dcgan: channels must be an even number ≥ 2, got ${c}`);
  const [small, side] = [base * base, 4 * base];
  const conv = (kind: 'conv2d' | 'conv_transpose2d', name: string, from: number, to: number): Layer => ({
    kind,
    name,
    in: from,
    out: to,
    k: 4,
    stride: 2,
    pad: 1,
  });
  return {
    noise,
    generator: [
      { kind: 'affine', name: 'G1', in: noise, out: c * small },
      { kind: 'relu' },
      { kind: 'reshape', shape: [c, base, base] },
      conv('conv_transpose2d', 'G2', c, half),
      { kind: 'relu' },
      conv('conv_transpose2d', 'G3', half, 1),
      { kind: 'tanh' },
      { kind: 'reshape', shape: [side * side] },
    ],
    discriminator: [
      { kind: 'reshape', shape: [1, side, side] },
      conv('conv2d', 'D1', 1, half),
      { kind: 'leaky_relu', alpha },
      conv('conv2d', 'D2', half, c),
      { kind: 'leaky_relu', alpha },
      { kind: 'reshape', shape: [c * small] },
      { kind: 'affine', name: 'D3', in: c * small, out: 1 },
      { kind: 'reshape', shape: [] },
    ],
  };
}

/** The generator's and the discriminator's initial params (He-normal, generative_layers.ts). */
export function initGan(arch: GanArch, seed: number): { G: Record<string, Tensor>; D: Record<string, Tensor> } {
  return { G: initLayers(arch.generator, 'gan:G', seed), D: initLayers(arch.discriminator, 'gan:D', seed) };
}

export interface GanModel<T> {
  /** L_D and the gradient of each D param for real images (N, 784) and noise z (N, noise); also D's logits. */
  discriminatorLoss(G: Record<string, T>, D: Record<string, T>, real: T, z: T): { loss: T; grads: Record<string, T>; logitsReal: T; logitsFake: T };
  /** L_G and the gradient of each G param for noise z (N, noise). */
  generatorLoss(G: Record<string, T>, D: Record<string, T>, z: T): { loss: T; grads: Record<string, T> };
  /** G(z): images (N, 784) in [−1, 1]. */
  generate(G: Record<string, T>, z: T): T;
}

export function ganModel<T extends { shape: readonly number[] }>(ops: ModelOps<T>, arch: GanArch): GanModel<T> {
  const generate = (G: Record<string, T>, z: T): T => ops.scope(() => netForward(ops, arch.generator, G, z).out);

  return {
    generate,
    discriminatorLoss: (G, D, real, z) =>
      ops.scope(() => {
        const fake = generate(G, z);
        const onReal = netForward(ops, arch.discriminator, D, real);
        const onFake = netForward(ops, arch.discriminator, D, fake);
        const { loss, cache } = ops.discriminatorLossForward(onReal.out, onFake.out);
        const dloss = upstream(ops, real);
        const { dlogits_real, dlogits_fake } = ops.discriminatorLossBackward(dloss, cache);
        const backReal = onReal.backward(dlogits_real);
        const backFake = onFake.backward(dlogits_fake);
        const grads = Object.fromEntries(Object.entries(backReal.grads).map(([k, g]) => [k, ops.add(g, backFake.grads[k])]));
        return { loss, grads, logitsReal: onReal.out, logitsFake: onFake.out };
      }),
    generatorLoss: (G, D, z) =>
      ops.scope(() => {
        const gen = netForward(ops, arch.generator, G, z);
        const onFake = netForward(ops, arch.discriminator, D, gen.out);
        const { loss, cache } = ops.generatorLossForward(onFake.out);
        const dloss = upstream(ops, z);
        const { dlogits_fake } = ops.generatorLossBackward(dloss, cache);
        const backD = onFake.backward(dlogits_fake);
        return { loss, grads: gen.backward(backD.dx).grads };
      }),
  };
}

export const gan = (arch: GanArch): GanModel<Tensor> => ganModel(REFERENCE_OPS, arch);

/** The architecture of a GAN run, the tag of its random draws (gan, dcgan) and the number of latent codes its samples are measured on. */
export interface GanSetup {
  tag: string;
  arch: GanArch;
  evalSamples: number;
}

export interface GanTraining {
  /** Mean discriminator and generator losses of each epoch. */
  dLoss: number[];
  gLoss: number[];
  /** [L_D, L_G] of every step. */
  lossHistory: Array<[number, number]>;
  /** RMSE between the mean image of evalSamples samples and that of the test rows (pixels in [0, 1]); before and after training. */
  meanImageRmse: { initial: number; final: number };
  /** Mean distance of samples to their nearest training image ÷ the same for test images (gan_metrics.ts). */
  nearestRatio: { initial: number; final: number };
  /** Fraction of test images and fresh samples the discriminator classifies right (logit > 0 ⇔ real). */
  dAccuracy: { real: number; fake: number };
  G: Record<string, Tensor>;
  D: Record<string, Tensor>;
  /** With options.images: 64 samples (rows of pixels in [−1, 1]). */
  images?: { samples: Tensor };
}

/** Images in [0, 1] → [−1, 1], the generator's tanh range. */
const toTanhRange = (X: Tensor): Tensor =>
  tensor(
    X.shape,
    X.data.map((v) => 2 * v - 1),
  );

/** Noise z ~ U(−1, 1) (the cs231n notebook's sample_noise). */
const noise = (rng: Rng, N: number, dim: number): Tensor => uniformTensor([N, dim], rng, -1, 1);

/**
 * Trains the GAN by alternating Adam steps, discriminator then generator, on the training rows
 * mapped to [−1, 1] (generative_training.ts), and measures its samples before and after (gan_metrics.ts).
 */
export async function trainGan<T extends Shaped>(
  on: GenerativeBackend<T>,
  { tag, arch, evalSamples }: GanSetup,
  data: GenerativeData,
  config: TrainConfig,
  options: TrainOptions = {},
): Promise<GanTraining> {
  const { backend } = on;
  const model = ganModel(on.ops, arch);
  const init = initGan(arch, config.seed);
  let [G, D] = [uploadAll(backend, init.G), uploadAll(backend, init.D)];
  const [adamG, adamD] = [adamFor(backend, G, config), adamFor(backend, D, config)];
  const X = backend.upload(toTanhRange(data.train.X));
  const z = backend.upload(noise(makeRng(`${tag}:eval:${config.seed}`), evalSamples, arch.noise));
  const stats = new SampleStats(on, data, z);
  const initial = await stats.measure((codes) => model.generate(G, codes));
  const rng = makeRng(`${tag}:noise:${config.seed}`);
  const { history, epochMeans } = await trainEpochs(
    data.train.X.shape[0],
    config,
    options,
    (rows) =>
      backend.scope(async () => {
        const real = backend.takeRows(X, rows);
        const d = model.discriminatorLoss(G, D, real, backend.upload(noise(rng, rows.length, arch.noise)));
        D = adamD.step(D, d.grads);
        const g = model.generatorLoss(G, D, backend.upload(noise(rng, rows.length, arch.noise)));
        G = adamG.step(G, g.grads);
        return [await backend.readScalar(d.loss), await backend.readScalar(g.loss)];
      }),
    ([d, g]) => `mean L_D ${d.toFixed(3)}  mean L_G ${g.toFixed(3)}`,
  );
  const final = await stats.measure((codes) => model.generate(G, codes));
  const dAccuracy = await discriminatorAccuracy(on, model, G, D, toTanhRange(firstRows(data.test.X, evalSamples)), z);
  const images = options.images
    ? await backend.scope(async () => {
        const codes = backend.upload(noise(makeRng(`${tag}:samples:${config.seed}`), 64, arch.noise));
        return { samples: await backend.read(model.generate(G, codes)) };
      })
    : undefined;
  const host = { G: await readAll(backend, G), D: await readAll(backend, D) };
  stats.release();
  adamG.release();
  adamD.release();
  backend.release(X, z, ...Object.values(G), ...Object.values(D));
  return {
    dLoss: epochMeans.map((l) => l[0]),
    gLoss: epochMeans.map((l) => l[1]),
    lossHistory: history as Array<[number, number]>,
    meanImageRmse: { initial: initial.meanImageRmse, final: final.meanImageRmse },
    nearestRatio: { initial: initial.nearestRatio, final: final.nearestRatio },
    dAccuracy,
    ...host,
    images,
  };
}
