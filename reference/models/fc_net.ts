import { makeRng, randnTensor } from '../rng';
import { tensor, type Tensor } from '../tensor';
import type { Model } from './backend';
import { classifier, normParams, REFERENCE_OPS, runningNames, weightScale, type Network, type Ops } from './layers';
import { CLASSES, IMAGE_SIZE } from './mnist';

/**
 * cs231n's FullyConnectedNet composed of reference ops, on MNIST rows X (N, 784): L − 1 hidden
 * layers and an output affine,
 *
 *   {affine – [batch norm | layer norm] – relu – [dropout]} × (L − 1) – affine – softmax
 *   L = softmax_loss(scores, y) + reg·Σ_l ΣW_l²
 *
 * Params W1 … WL, b1 … bL (no hidden bias before batch norm, whose mean subtraction removes it),
 * gamma_l, beta_l (normalized layers) and, with batch norm, the state running_mean_l, running_var_l
 * (train mode: batch statistics, running update; test mode: the running statistics). Dropout uses
 * the op's convention: p is the drop probability (0: none), inverted scaling, in train mode only,
 * the mask of hidden layer l seeded by randomBits(step seed, l).
 */
export type Normalization = 'batchnorm' | 'layernorm' | 'none';

export interface FcNetConfig {
  hidden_dims: number[];
  normalization: Normalization;
  /** Drop probability after each hidden relu (0: no dropout). */
  dropout: number;
  reg: number;
  /** Weights ~ weight_scale·N(0, 1); 0: Kaiming's √(2/fan_in). */
  weight_scale: number;
  /** Input size (784 for MNIST rows) and classes (10). */
  input_dim?: number;
  num_classes?: number;
}

const NORMALIZATIONS: readonly Normalization[] = ['batchnorm', 'layernorm', 'none'];

/** The config's checks: clear errors naming the field. */
function checkConfig(config: FcNetConfig): Required<FcNetConfig> {
  const { hidden_dims, normalization, dropout } = config;
  if (!Array.isArray(hidden_dims) || hidden_dims.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new Error(`fc_net: hidden_dims must be a list of positive integers, got ${JSON.stringify(hidden_dims)}`);
  }
  if (!NORMALIZATIONS.includes(normalization)) {
    throw new Error(`fc_net: normalization must be one of ${NORMALIZATIONS.join(', ')}, got ${JSON.stringify(normalization)}`);
  }
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`fc_net: dropout (drop probability) must be in [0, 1), got ${dropout}`);
  return { input_dim: IMAGE_SIZE, num_classes: CLASSES, ...config };
}

/** The layer sizes D, H1, …, C. */
const layerSizes = (c: Required<FcNetConfig>): number[] => [c.input_dim, ...c.hidden_dims, c.num_classes];

/** The state params (batch norm running statistics) of the config. */
function stateNames(c: Required<FcNetConfig>): string[] {
  return c.normalization === 'batchnorm' ? runningNames(c.hidden_dims.map((_, l) => String(l + 1))) : [];
}

/** W_l ~ scale·N(0, 1) from the seed, b_l = 0, gamma_l = 1, beta_l = 0, running_mean_l = 0, running_var_l = 1. */
export function initFcNet(config: FcNetConfig, seed: number): Record<string, Tensor> {
  const c = checkConfig(config);
  const sizes = layerSizes(c);
  const rng = makeRng(`init:${seed}`);
  const params: Record<string, Tensor> = {};
  for (let l = 1; l < sizes.length; l++) {
    const [fanIn, out] = [sizes[l - 1], sizes[l]];
    params[`W${l}`] = randnTensor([fanIn, out], rng, weightScale(c.weight_scale, fanIn));
    const hidden = l < sizes.length - 1;
    if (!hidden || c.normalization !== 'batchnorm') params[`b${l}`] = tensor([out]);
    if (hidden && c.normalization !== 'none') Object.assign(params, normParams(String(l), out, c.normalization === 'batchnorm'));
  }
  return params;
}

/** The network on either backend's ops (the twin is accelerated/models/fc_net.ts). */
export function fcNetOn<T>(ops: Ops<T>, config: FcNetConfig): Model<T> {
  const c = checkConfig(config);
  const L = c.hidden_dims.length + 1;
  const net: Network<T> = (tape, x) => {
    let h = x;
    for (let l = 1; l < L; l++) {
      h = tape.affine(h, `W${l}`, c.normalization === 'batchnorm' ? undefined : `b${l}`);
      if (c.normalization === 'batchnorm') h = tape.batchnorm(h, String(l));
      if (c.normalization === 'layernorm') h = tape.layernorm(h, String(l));
      h = tape.dropout(tape.relu(h), c.dropout, l);
    }
    return tape.affine(h, `W${L}`, `b${L}`);
  };
  return classifier(ops, { sample: [c.input_dim], net, reg: c.reg, state: stateNames(c) });
}

export function fcNet(config: FcNetConfig): Model<Tensor> {
  return fcNetOn(REFERENCE_OPS, config);
}
