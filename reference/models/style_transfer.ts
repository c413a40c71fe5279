import { avgPool2dBackward, avgPool2dForward, type AvgPool2dCache } from '../avg_pool2d';
import { contentLossBackward, contentLossForward } from '../content_loss';
import { conv2dBackward, conv2dForward, type Conv2dCache } from '../conv2d';
import { gramMatrixForward } from '../gram_matrix';
import type { PoolParams } from '../pooling';
import { reluBackward, reluForward, type ReluCache } from '../relu';
import { makeRng, randnTensor, uniformTensor } from '../rng';
import { styleLossBackward, styleLossForward } from '../style_loss';
import { scalar, tensor, type Tensor } from '../tensor';
import { tvLossBackward, tvLossForward } from '../tv_loss';
import type { Backend } from './backend';
import { add } from './ops';
import { IMAGE_SIZE, mnistImages } from './mnist';

/**
 * Style transfer (cs231n StyleTransfer, Gatys et al.) on a small fixed feature extractor, composed
 * of reference ops. The extractor ("feature net") is K blocks of conv 3×3 (pad 1) – relu with a
 * 2×2 average pool in front of every block but the first:
 *
 *   feats[0] = relu(conv₀(img)),   feats[k] = relu(conv_k(avg_pool(feats[k−1])))
 *
 * Its weights are He-normal N(0, 2/fan_in) from a seed and never trained; the first block's biases
 * b₀[f] = −½·Σ w₀[f] make it see the image centred at ½ (conv₀(img − ½)), later biases are 0. Such
 * random features carry an image's colours and coarse layout and some of its texture statistics
 * (their Gram matrices); fine textures such as thin stripes are beyond this small random net. The objective of the image:
 *
 *   L(img) = content_loss(feats[c](img), feats[c](content))
 *          + style_loss(feats(img), gram(feats[l](style)) for l in style_layers)
 *          + tv_loss(img)
 *
 * and its gradient dL/dimg flows back through the extractor (relu, conv dx, pool backward), the
 * style and content gradients joining the backward pass at their layers.
 */
export interface StyleTransferHyper {
  /** Output channels of each block (K = channels.length). */
  channels: number[];
  content_layer: number;
  content_weight: number;
  style_layers: number[];
  style_weights: number[];
  tv_weight: number;
}

/** The pool in front of every block but the first. */
export const POOL: PoolParams = { pool_height: 2, pool_width: 2, stride: 2 };
export const CONV = { pad: 1 };

/** w_k (channels[k], channels[k−1], 3, 3) ~ N(0, 2/fan_in) from the seed (channels[−1] = inChannels); b₀ centres the input, b_k = 0 after. */
export function initFeatureNet(inChannels: number, channels: readonly number[], seed: number): Record<string, Tensor> {
  const rng = makeRng(`feature-net:${seed}`);
  const net: Record<string, Tensor> = {};
  channels.forEach((F, k) => {
    const C = k === 0 ? inChannels : channels[k - 1];
    const w = randnTensor([F, C, 3, 3], rng, Math.sqrt(2 / (C * 9)));
    const b = tensor([F]);
    if (k === 0) for (let f = 0; f < F; f++) b.data[f] = -0.5 * w.data.subarray(f * C * 9, (f + 1) * C * 9).reduce((a, v) => a + v, 0);
    net[`w${k}`] = w;
    net[`b${k}`] = b;
  });
  return net;
}

interface BlockCache { pool?: AvgPool2dCache; conv: Conv2dCache; relu: ReluCache }

/** feats[k] of every block for img (1, C, H, W). */
export function featureNetForward(net: Record<string, Tensor>, img: Tensor): { feats: Tensor[]; caches: BlockCache[] } {
  const feats: Tensor[] = [];
  const caches: BlockCache[] = [];
  for (let k = 0; `w${k}` in net; k++) {
    const pool = k > 0 ? avgPool2dForward(feats[k - 1], POOL) : undefined;
    const conv = conv2dForward(pool?.out ?? img, net[`w${k}`], net[`b${k}`], CONV);
    const relu = reluForward(conv.out);
    feats.push(relu.out);
    caches.push({ pool: pool?.cache, conv: conv.cache, relu: relu.cache });
  }
  return { feats, caches };
}

/** dimg from the upstream gradients of every feats[k] (block k's output also feeds block k + 1). */
export function featureNetBackward(dfeats: readonly Tensor[], caches: readonly BlockCache[]): Tensor {
  let g: Tensor | undefined;
  for (let k = caches.length - 1; k >= 0; k--) {
    const dfeat = g ? add(g, dfeats[k]) : dfeats[k];
    const { dx } = conv2dBackward(reluBackward(dfeat, caches[k].relu).dx, caches[k].conv);
    const pool = caches[k].pool;
    g = pool ? avgPool2dBackward(dx, pool).dx : dx;
  }
  return g!;
}

/** The fixed targets: feats[content_layer] of the content image and the Gram matrices of the style image's style layers. */
export function styleTargets(net: Record<string, Tensor>, content: Tensor, style: Tensor, hyper: StyleTransferHyper): { content: Tensor; styles: Tensor[] } {
  const contentFeats = featureNetForward(net, content).feats;
  const styleFeats = featureNetForward(net, style).feats;
  return { content: contentFeats[hyper.content_layer], styles: hyper.style_layers.map((l) => gramMatrixForward(styleFeats[l]).out) };
}

/** The objective of one image on a backend: full loss, dL/dimg, and its three terms (for reports). */
export type ImageObjective<T> = (img: T) => { loss: T; grads: { dimg: T }; terms: { content: T; style: T; tv: T } };

/** L(img) and dL/dimg (float64), with the targets computed once from the content and style images. */
export function styleTransferObjective(net: Record<string, Tensor>, content: Tensor, style: Tensor, hyper: StyleTransferHyper): ImageObjective<Tensor> {
  const targets = styleTargets(net, content, style, hyper);
  const styleParams = { style_layers: hyper.style_layers, style_weights: hyper.style_weights };
  return (img) => {
    const { feats, caches } = featureNetForward(net, img);
    const c = contentLossForward(feats[hyper.content_layer], targets.content, { content_weight: hyper.content_weight });
    const s = styleLossForward(...feats, ...targets.styles, styleParams);
    const tv = tvLossForward(img, { tv_weight: hyper.tv_weight });
    const one = scalar(1);
    const sg = styleLossBackward(one, s.cache);
    const dfeats = feats.map((_, k) => sg[`dfeats_${k}`]);
    dfeats[hyper.content_layer] = add(dfeats[hyper.content_layer], contentLossBackward(one, c.cache).dcurrent);
    const dimg = add(featureNetBackward(dfeats, caches), tvLossBackward(one, tv.cache).dimg);
    const terms = { content: c.loss, style: s.loss, tv: tv.loss };
    return { loss: scalar(c.loss.data[0] + s.loss.data[0] + tv.loss.data[0]), grads: { dimg }, terms };
  };
}

export interface DescentResult<T> {
  img: T;
  /** The loss before each step, then the loss of the final image. */
  losses: number[];
  /** The terms of the first and of the final image. */
  first: Record<string, number>;
  last: Record<string, number>;
}

/**
 * Adam on the pixels (either backend): `steps` updates img ← adam(img, dL/dimg) at learning rate lr,
 * reading back one loss per step (and the terms of the first and final images). Frees every
 * intermediate; the caller owns the returned image.
 */
export async function descendImage<T>(
  backend: Backend<T>, objective: ImageObjective<T>, initial: Tensor, config: { steps: number; lr: number },
  onStep?: (step: number, loss: number) => void,
): Promise<DescentResult<T>> {
  let img = backend.upload(initial);
  let state = { m: backend.upload(tensor(initial.shape)), v: backend.upload(tensor(initial.shape)), t: backend.upload(scalar(0), 'i32') };
  const losses: number[] = [];
  const readTerms = async (terms: Record<string, T>) =>
    Object.fromEntries(await Promise.all(Object.entries(terms).map(async ([k, t]) => [k, await backend.readScalar(t)] as const)));
  let first: Record<string, number> = {};
  for (let step = 0; ; step++) {
    const { loss, grads, terms } = objective(img);
    losses.push(await backend.readScalar(loss));
    if (step === 0) first = await readTerms(terms);
    if (step === config.steps) {
      const last = await readTerms(terms);
      backend.release(loss, grads.dimg, ...Object.values(terms), state.m, state.v, state.t);
      return { img, losses, first, last };
    }
    const next = backend.optimizers.adamForward(img, grads.dimg, state.m, state.v, state.t, { lr: config.lr });
    backend.release(loss, grads.dimg, ...Object.values(terms), img, state.m, state.v, state.t);
    img = next.next_w;
    state = { m: next.next_m, v: next.next_v, t: next.next_t };
    onStep?.(step + 1, losses[step]);
  }
}

/** MNIST digit `index` (canonical order, pixels in [0, 1]) as an RGB image (1, 3, 28, 28): ink `ink` on paper `paper`. */
export function digitImage(index: number, ink: readonly number[] = [0.1, 0.1, 0.5], paper: readonly number[] = [0.95, 0.9, 0.8]): Tensor {
  const { pixels } = mnistImages();
  const img = tensor([1, 3, 28, 28]);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < IMAGE_SIZE; p++) {
      const a = pixels[index * IMAGE_SIZE + p];
      img.data[c * IMAGE_SIZE + p] = a * ink[c] + (1 - a) * paper[c];
    }
  }
  return img;
}

/**
 * A seeded texture (1, 3, H, W) in [0, 1]: two random colours blended along sinusoidal stripes of a
 * random direction and period, crossed by a weaker perpendicular wave.
 */
export function stripesImage(seed: number, H: number, W: number): Tensor {
  const rng = makeRng(`stripes:${seed}`);
  const colors = [0, 1].map(() => [rng(), rng(), rng()]);
  const angle = Math.PI * rng();
  const period = 3 + 2 * rng();
  const img = tensor([1, 3, H, W]);
  for (let h = 0; h < H; h++) {
    for (let w = 0; w < W; w++) {
      const along = h * Math.cos(angle) + w * Math.sin(angle);
      const across = -h * Math.sin(angle) + w * Math.cos(angle);
      const t = 0.5 + 0.35 * Math.sin((2 * Math.PI * along) / period) + 0.15 * Math.sin((2 * Math.PI * across) / (2 * period));
      for (let c = 0; c < 3; c++) img.data[(c * H + h) * W + w] = t * colors[0][c] + (1 - t) * colors[1][c];
    }
  }
  return img;
}

/** The starting image: uniform noise in [0, 1] from the seed. */
export const noiseImage = (shape: readonly number[], seed: number): Tensor => uniformTensor(shape, makeRng(`noise:${seed}`), 0, 1);
