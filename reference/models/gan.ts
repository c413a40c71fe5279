import type { Tensor } from '../tensor';
import { initLayers, netForward, REFERENCE_OPS, upstream, type Layer, type ModelOps } from './generative_layers';

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
