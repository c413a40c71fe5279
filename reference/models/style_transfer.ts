import type { PoolParams } from '../pooling';
import { makeRng, randnTensor, uniformTensor } from '../rng';
import { scalar, tensor, type Tensor } from '../tensor';
import type { Shaped } from '../validate';
import type { Backend } from './backend';
import { REFERENCE_OPS, Tape, type Node, type Ops } from './layers';
import { IMAGE_SIZE, mnistImages } from './mnist';

/**
 * Style transfer (cs231n StyleTransfer, Gatys et al.) on a small fixed feature extractor, written
 * once over a backend's ops (styleTransferObjectiveOn; the net runs on the classifiers' tape). The extractor ("feature net") is K blocks of conv 3×3 (pad 1) – relu with a
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

/** feats[k] of every block of the feature net `net` (its params w<k>, b<k>) on the tape. */
function featureNet<T>(tape: Tape<T>, img: Node<T>, net: Record<string, T>): Node<T>[] {
  const feats: Node<T>[] = [];
  for (let k = 0; `w${k}` in net; k++) feats.push(tape.relu(tape.conv(k > 0 ? tape.avgPool(feats[k - 1], POOL) : img, `w${k}`, `b${k}`, CONV)));
  return feats;
}

/** A test-mode tape of the fixed feature net: only the image gets a gradient. */
const featureTape = <T>(ops: Ops<T>, net: Record<string, T>) => new Tape(ops, net, { train: false, paramGrads: false });

/** The fixed targets: feats[content_layer] of the content image and the Gram matrices of the style image's style layers. */
function styleTargets<T extends Shaped>(ops: Ops<T>, net: Record<string, T>, content: T, style: T, hyper: StyleTransferHyper): { content: T; styles: T[] } {
  return ops.scope(() => {
    const onContent = featureTape(ops, net);
    const contentTarget = featureNet(onContent, onContent.input(content, content.shape, true), net)[hyper.content_layer].value;
    const onStyle = featureTape(ops, net);
    const styleFeats = featureNet(onStyle, onStyle.input(style, style.shape, true), net);
    return { content: contentTarget, styles: hyper.style_layers.map((l) => ops.gramMatrixForward(styleFeats[l].value).out) };
  });
}

/** The objective of one image on a backend: full loss, dL/dimg, and its three terms (for reports); `dispose` frees its targets. */
export type ImageObjective<T> = ((img: T) => { loss: T; grads: { dimg: T }; terms: { content: T; style: T; tv: T } }) & { dispose(): void };

/**
 * L(img) and dL/dimg on a backend's ops, with the targets computed once from the content and style
 * images. The style and content gradients enter the feature net's backward at their layers (the tape
 * sums them with what flows back from the later blocks); the net's weights get no gradient.
 */
export function styleTransferObjectiveOn<T extends Shaped>(
  ops: Ops<T>,
  net: Record<string, T>,
  content: T,
  style: T,
  hyper: StyleTransferHyper,
): ImageObjective<T> {
  const targets = styleTargets(ops, net, content, style, hyper);
  const styleParams = { style_layers: hyper.style_layers, style_weights: hyper.style_weights };
  const objective = (img: T) =>
    ops.scope(() => {
      const tape = featureTape(ops, net);
      const x = tape.input(img, img.shape, false);
      const feats = featureNet(tape, x, net);
      const c = ops.contentLossForward(feats[hyper.content_layer].value, targets.content, { content_weight: hyper.content_weight });
      const s = ops.styleLossForward(...feats.map((f) => f.value), ...targets.styles, styleParams);
      const tv = ops.tvLossForward(img, { tv_weight: hyper.tv_weight });
      const one = ops.constant(img, scalar(1));
      const dstyle = ops.styleLossBackward(one, s.cache);
      const dcontent = ops.contentLossBackward(one, c.cache).dcurrent;
      tape.backward(...feats.map((f, k) => [f, dstyle[`dfeats_${k}`]] as const), [feats[hyper.content_layer], dcontent]);
      const dtv = ops.tvLossBackward(one, tv.cache).dimg;
      const dimg = ops.add(x.grad!, dtv);
      const loss = ops.add(ops.add(c.loss, s.loss), tv.loss);
      return { loss, grads: { dimg }, terms: { content: c.loss, style: s.loss, tv: tv.loss } };
    });
  return Object.assign(objective, { dispose: () => ops.release(targets.content, ...targets.styles) });
}

/** The objective on the reference ops (float64). */
export const styleTransferObjective = (net: Record<string, Tensor>, content: Tensor, style: Tensor, hyper: StyleTransferHyper): ImageObjective<Tensor> =>
  styleTransferObjectiveOn(REFERENCE_OPS, net, content, style, hyper);

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
  backend: Backend<T>,
  objective: ImageObjective<T>,
  initial: Tensor,
  config: { steps: number; lr: number },
  onStep?: (step: number, loss: number) => void,
): Promise<DescentResult<T>> {
  let img = backend.upload(initial);
  let state = { m: backend.upload(tensor(initial.shape)), v: backend.upload(tensor(initial.shape)), t: backend.upload(scalar(0), 'i32') };
  const losses: number[] = [];
  const readTerms = async (terms: Record<string, T>) =>
    Object.fromEntries(await Promise.all(Object.entries(terms).map(async ([k, t]) => [k, await backend.readScalar(t)] as const)));
  let first: Record<string, number> = {};
  for (let step = 0; ; step++) {
    const last = await backend.scope(async () => {
      const { loss, grads, terms } = objective(img);
      losses.push(await backend.readScalar(loss));
      if (step === 0) first = await readTerms(terms);
      if (step === config.steps) return readTerms(terms);
      const next = backend.keep(backend.optimizers.adamForward(img, grads.dimg, state.m, state.v, state.t, { lr: config.lr }));
      // The image and Adam's moments outlive a step: the ones replaced go now.
      backend.release(img, state.m, state.v, state.t);
      img = next.next_w;
      state = { m: next.next_m, v: next.next_v, t: next.next_t };
      return undefined;
    });
    if (last) {
      backend.release(state.m, state.v, state.t);
      return { img, losses, first, last };
    }
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
