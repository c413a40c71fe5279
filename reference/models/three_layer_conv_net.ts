import { makeRng, randnTensor } from '../rng';
import { tensor, type Tensor } from '../tensor';
import type { Model } from './backend';
import { classifier, imageShape, REFERENCE_OPS, weightScale, type Network, type Node, type Ops, type Tape } from './layers';
import { CLASSES } from './mnist';

/**
 * cs231n's ThreeLayerConvNet on MNIST rows X (N, 784), viewed as images (N, 1, 28, 28):
 *
 *   conv (num_filters F, filter_size k × k, stride 1, pad (k − 1)/2) – relu – 2×2 max pool (stride 2)
 *   – affine (F·14·14 → hidden_dim) – relu – affine (→ 10) – softmax
 *   L = softmax_loss(scores, y) + reg·(ΣW1² + ΣW2² + ΣW3²)
 *
 * Params W1 (F, 1, k, k), b1 (F), W2 (F·14·14, hidden_dim), b2, W3 (hidden_dim, 10), b3.
 * hyper: num_filters, filter_size (odd), hidden_dim, weight_scale (0: Kaiming), reg, image_size (28).
 */
const POOL = { pool_height: 2, pool_width: 2, stride: 2 };

function requireHyper(hyper: Record<string, number>): { F: number; k: number; hidden: number; image: [number, number, number] } {
  const { num_filters: F, filter_size: k, hidden_dim: hidden } = hyper;
  for (const [name, v] of Object.entries({ num_filters: F, filter_size: k, hidden_dim: hidden })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`three_layer_conv_net: hyper.${name} must be a positive integer, got ${v}`);
  }
  if (k % 2 === 0) throw new Error(`three_layer_conv_net: hyper.filter_size must be odd (same-size convolution), got ${k}`);
  return { F, k, hidden, image: imageShape('three_layer_conv_net', hyper) };
}

/** W1, W2, W3 ~ scale·N(0, 1) from the seed (scale: hyper.weight_scale, or Kaiming's √(2/fan_in) when 0); biases 0. */
export function initThreeLayerConvNet(hyper: Record<string, number>, seed: number): Record<string, Tensor> {
  const { F, k, hidden, image } = requireHyper(hyper);
  const [, H, W] = image;
  const pooled = F * (H / 2) * (W / 2);
  const rng = makeRng(`init:${seed}`);
  return {
    W1: randnTensor([F, 1, k, k], rng, weightScale(hyper.weight_scale, k * k)),
    b1: tensor([F]),
    W2: randnTensor([pooled, hidden], rng, weightScale(hyper.weight_scale, pooled)),
    b2: tensor([hidden]),
    W3: randnTensor([hidden, CLASSES], rng, weightScale(hyper.weight_scale, hidden)),
    b3: tensor([CLASSES]),
  };
}

/** The network on either backend's ops (the twin is accelerated/models/three_layer_conv_net.ts). */
export function threeLayerConvNetOn<T>(ops: Ops<T>, hyper: Record<string, number>): Model<T> {
  const { k, image } = requireHyper(hyper);
  const net: Network<T> = (tape: Tape<T>, x: Node<T>) => {
    const pooled = tape.maxPool(tape.relu(tape.conv(x, 'W1', 'b1', { stride: 1, pad: (k - 1) / 2 })), POOL);
    const hidden = tape.relu(tape.affine(pooled, 'W2', 'b2'));
    return tape.affine(hidden, 'W3', 'b3');
  };
  return classifier(ops, { sample: image, net, reg: hyper.reg ?? 0 });
}

export function threeLayerConvNet(hyper: Record<string, number>): Model<Tensor> {
  return threeLayerConvNetOn(REFERENCE_OPS, hyper);
}
