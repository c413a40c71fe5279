import { makeRng, randnTensor } from '../rng';
import { tensor, type Tensor } from '../tensor';
import type { Model } from './backend';
import { classifier, imageShape, normParams, REFERENCE_OPS, runningNames, weightScale, type Network, type Node, type Ops, type Tape } from './layers';
import { CLASSES } from './mnist';

/**
 * A small deep conv net with residual blocks (He et al. 2016) on MNIST rows X (N, 784), viewed as
 * images (N, 1, 28, 28); all convolutions 3×3, stride 1, pad 1, without bias (batch norm follows):
 *
 *   stem   conv (1 → C) – spatial batch norm – relu – 2×2 max pool            (C, 14, 14)
 *   block  h ← relu(h + bn(conv(relu(bn(conv(h))))))              × blocks    (C, 14, 14)
 *   head   2×2 max pool – affine (C·7·7 → 10), or with global_pool = 1 global average pool – affine (C → 10)
 *   L = softmax_loss(scores, y) + reg·Σ ΣW²   (every conv and affine weight)
 *
 * Params W0 (C, 1, 3, 3) and batch norm 0 (the stem); W<j>a, W<j>b (C, C, 3, 3) and batch norms
 * <j>a, <j>b (block j = 1 … blocks); W_head, b_head. Batch norm k has gamma<k>, beta<k> and the
 * state running_mean<k>, running_var<k>. hyper: channels, blocks, global_pool (0 | 1),
 * weight_scale (0: Kaiming), reg, image_size (28).
 */
const POOL = { pool_height: 2, pool_width: 2, stride: 2 };
const CONV = { stride: 1, pad: 1 };

function requireHyper(hyper: Record<string, number>): { C: number; blocks: number; globalPool: boolean; image: [number, number, number] } {
  const { channels: C, blocks } = hyper;
  if (!Number.isInteger(C) || C < 1) throw new Error(`residual_conv_net: hyper.channels must be a positive integer, got ${C}`);
  if (!Number.isInteger(blocks) || blocks < 0) throw new Error(`residual_conv_net: hyper.blocks must be an integer ≥ 0, got ${blocks}`);
  return { C, blocks, globalPool: hyper.global_pool === 1, image: imageShape('residual_conv_net', hyper) };
}

/** The batch norms: 0 (stem), then <j>a and <j>b of each block. */
function norms(blocks: number): string[] {
  return ['0', ...Array.from({ length: blocks }, (_, j) => [`${j + 1}a`, `${j + 1}b`]).flat()];
}

/** Conv weights ~ scale·N(0, 1) from the seed (Kaiming's √(2/fan_in) when weight_scale is 0); gamma 1, beta 0, running 0 and 1. */
export function initResidualConvNet(hyper: Record<string, number>, seed: number): Record<string, Tensor> {
  const { C, blocks, globalPool, image } = requireHyper(hyper);
  const rng = makeRng(`init:${seed}`);
  const conv = (inC: number) => randnTensor([C, inC, 3, 3], rng, weightScale(hyper.weight_scale, inC * 9));
  const params: Record<string, Tensor> = { W0: conv(1) };
  for (let j = 1; j <= blocks; j++) Object.assign(params, { [`W${j}a`]: conv(C), [`W${j}b`]: conv(C) });
  for (const k of norms(blocks)) Object.assign(params, normParams(k, C, true));
  const [, H, W] = image;
  const features = globalPool ? C : C * (H / 4) * (W / 4);
  return { ...params, W_head: randnTensor([features, CLASSES], rng, weightScale(hyper.weight_scale, features)), b_head: tensor([CLASSES]) };
}

/** conv – batch norm (no bias: the norm's β is the bias). */
function convNorm<T>(tape: Tape<T>, x: Node<T>, k: string): Node<T> {
  return tape.batchnorm(tape.conv(x, `W${k}`, undefined, CONV), k);
}

/** relu(h + bn(conv(relu(bn(conv(h)))))): block j. */
function residualBlock<T>(tape: Tape<T>, h: Node<T>, j: number): Node<T> {
  const inner = convNorm(tape, tape.relu(convNorm(tape, h, `${j}a`)), `${j}b`);
  return tape.relu(tape.add(inner, h));
}

/** The network on either backend's ops (the twin is accelerated/models/residual_conv_net.ts). */
export function residualConvNetOn<T>(ops: Ops<T>, hyper: Record<string, number>): Model<T> {
  const { blocks, globalPool, image } = requireHyper(hyper);
  const net: Network<T> = (tape, x) => {
    let h = tape.maxPool(tape.relu(convNorm(tape, x, '0')), POOL);
    for (let j = 1; j <= blocks; j++) h = residualBlock(tape, h, j);
    return tape.affine(globalPool ? tape.globalAvgPool(h) : tape.maxPool(h, POOL), 'W_head', 'b_head');
  };
  return classifier(ops, { sample: image, net, reg: hyper.reg ?? 0, state: runningNames(norms(blocks)) });
}

export function residualConvNet(hyper: Record<string, number>): Model<Tensor> {
  return residualConvNetOn(REFERENCE_OPS, hyper);
}
