import fc from 'fast-check';
import * as twin from '../accelerated/style_loss';
import { gramMatrixForward } from '../reference/gram_matrix';
import { randnTensor, type Rng } from '../reference/rng';
import * as ref from '../reference/style_loss';
import { tensor, type Tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, presentInputs, type OpDef } from './harness/op';
import { scaledAtol, TWIN_TOLERANCE } from './harness/tolerance';

/**
 * A variable number of inputs (docs/ops.md): feature maps feats_0 … feats_{L−1}, then one target
 * style_targets_l per style layer. The row declares up to MAX_MAPS of each and is variadic: a case
 * supplies the first L maps and the first style_layers.length targets. Samples draw L in 1…3 and
 * 1…L style layers (distinct maps in any order), so some maps may be no style layer and get a zero
 * gradient.
 */
const MAX_MAPS = 4;
const names = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, k) => `${prefix}_${k}`);
const FEATS = names('feats', MAX_MAPS);
const TARGETS = names('style_targets', MAX_MAPS);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const styleImpl = <T>(forward: (...args: any[]) => { cache: unknown }, backward: (...args: any[]) => Record<string, T>) =>
  courseImpl<T>([...FEATS, ...TARGETS], ['loss'], forward, backward, ['loss'], true);

/** The normalized Gram matrix of another random (1, C, h, w) map: a realistic style target. */
const targetFor = (C: number, rng: Rng): Tensor => gramMatrixForward(randnTensor([1, C, 1 + Math.floor(rng() * 4), 3], rng)).out;

const styleSamples = (maxC: number, maxHW: number) =>
  samples(
    fc.array(fc.record({ C: dim(1, maxC), H: dim(1, maxHW), W: dim(1, maxHW) }), { minLength: 1, maxLength: 3 }).chain((maps) =>
      fc.shuffledSubarray([...maps.keys()], { minLength: 1 }).chain((style_layers) =>
        fc.record({
          maps: fc.constant(maps),
          style_layers: fc.constant(style_layers),
          style_weights: fc.array(fc.constantFrom(0.5, 2, 30, 200), { minLength: style_layers.length, maxLength: style_layers.length }),
        }),
      ),
    ),
    ({ maps, style_layers, style_weights }, rng) => {
      const feats = maps.map(({ C, H, W }) => randnTensor([1, C, H, W], rng));
      const targets = style_layers.map((k) => targetFor(maps[k].C, rng));
      return {
        inputs: Object.fromEntries([...feats.map((f, k) => [FEATS[k], f]), ...targets.map((t, l) => [TARGETS[l], t])]),
        params: { style_layers, style_weights },
      };
    },
  );

/** feats_0 (1, 2, 2, 2), feats_1 (1, 3, 1, 2), feats_2 (1, 1, 2, 1); style layers 0 and 2. */
const okInputs = (): Record<string, Tensor> => ({
  feats_0: tensor([1, 2, 2, 2], [1, 0, -1, 2, 0.5, 0.5, -0.5, 1]),
  feats_1: tensor([1, 3, 1, 2], [1, 2, 3, 4, 5, 6]),
  feats_2: tensor([1, 1, 2, 1], [1, -2]),
  style_targets_0: tensor([1, 2, 2], [0.1, 0, 0, 0.2]),
  style_targets_1: tensor([1, 1, 1], [0.5]),
});
const okParams = { style_layers: [0, 2], style_weights: [1, 10] };
/** okInputs less some: fewer maps or targets than the params ask for. */
const okInputsWithout = (...names: string[]): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(okInputs()).filter(([name]) => !names.includes(name)));

export const style_loss: OpDef = {
  id: 'style_loss',
  inputs: [
    ...FEATS.map((name) => ({ name, kind: 'float' as const, differentiable: true })),
    ...TARGETS.map((name) => ({ name, kind: 'float' as const, differentiable: false })),
  ],
  variadic: true,
  outputs: ['loss'],
  reference: styleImpl(ref.styleLossForward, ref.styleLossBackward),
  twin: styleImpl(twin.styleLossForward, twin.styleLossBackward),
  validate: (inputs, params) =>
    void ref.validateStyleLoss(
      presentInputs(style_loss, inputs).map((i) => inputs[i.name]),
      params,
    ),
  sample: styleSamples(8, 8),
  gradSample: styleSamples(3, 3),
  // Gram entries sum H·W products (float32 rounding ~√(H·W)) and enter squared, times weights up to 200.
  tolerance: { ...scaledAtol(TWIN_TOLERANCE, 64), rtol: 2e-4 },
  edgeCases: [
    makeSample(okInputs(), okParams),
    makeSample(
      { ...okInputs(), style_targets_0: tensor([1, 3, 3]), style_targets_1: tensor([1, 2, 2], [0.3, 0.1, 0.1, 0.2]) },
      { style_layers: [1, 0], style_weights: [0.5, 0] },
    ), // a zero target, a zero weight
  ],
  errors: [
    {
      title: 'style layer out of range',
      sample: makeSample(okInputs(), { ...okParams, style_layers: [0, 3] }),
      message: 'style_loss: style_layers: expected a non-empty list of distinct feature indices in [0, 2], got [0,3]',
    },
    {
      title: 'two style layers, one target',
      sample: makeSample(okInputsWithout('style_targets_1'), okParams),
      message: 'style_loss: style_targets: expected 2 (one tensor per style layer) after feats_0 … feats_2, got 1',
    },
    {
      title: 'one map, style layer 1',
      sample: makeSample(okInputsWithout('feats_1', 'feats_2', 'style_targets_1'), { style_layers: [1], style_weights: [1] }),
      message: 'style_loss: style_layers: expected a non-empty list of distinct feature indices in [0, 0], got [1]',
    },
    {
      title: 'one weight for two layers',
      sample: makeSample(okInputs(), { ...okParams, style_weights: [1] }),
      message: 'style_loss: style_weights: expected 2 finite numbers (one per style layer), got [1]',
    },
    {
      title: 'target of the wrong channel count',
      sample: makeSample({ ...okInputs(), style_targets_1: tensor([1, 2, 2]) }, okParams),
      message: 'style_loss: style_targets_1: expected shape [1, 1, 1] (C = 1 from feats_2), got [1, 2, 2]',
    },
    {
      title: 'feature map batch of 2',
      sample: makeSample({ ...okInputs(), feats_1: tensor([2, 3, 1, 2]) }, okParams),
      message: 'style_loss: feats_1: expected shape [1, C, H, W], got [2, 3, 1, 2]',
    },
    {
      title: 'style_layers missing',
      sample: makeSample(okInputs(), { style_weights: [1, 10] }),
      message: 'style_loss: style_layers: expected a non-empty list of distinct feature indices in [0, 4], got undefined',
    },
    {
      title: 'no style layer',
      sample: makeSample(okInputs(), { style_layers: [], style_weights: [] }),
      message: 'style_loss: style_layers: expected a non-empty list of distinct feature indices in [0, 4], got []',
    },
    {
      title: 'a fractional style layer',
      sample: makeSample(okInputs(), { ...okParams, style_layers: [0, 1.5] }),
      message: 'style_loss: style_layers: expected a non-empty list of distinct feature indices in [0, 2], got [0,1.5]',
    },
    {
      title: 'a negative style layer',
      sample: makeSample(okInputs(), { ...okParams, style_layers: [-1, 2] }),
      message: 'style_loss: style_layers: expected a non-empty list of distinct feature indices in [0, 2], got [-1,2]',
    },
    {
      title: 'a style layer twice',
      sample: makeSample(okInputs(), { ...okParams, style_layers: [2, 2] }),
      message: 'style_loss: style_layers: expected a non-empty list of distinct feature indices in [0, 2], got [2,2]',
    },
    {
      title: 'style_weights missing',
      sample: makeSample(okInputs(), { style_layers: [0, 2] }),
      message: 'style_loss: style_weights: expected 2 finite numbers (one per style layer), got undefined',
    },
    {
      title: 'a style weight as a string',
      sample: makeSample(okInputs(), { ...okParams, style_weights: [1, '10'] }),
      message: 'style_loss: style_weights: expected 2 finite numbers (one per style layer), got [1,"10"]',
    },
    {
      title: 'no targets',
      sample: makeSample(okInputsWithout('style_targets_0', 'style_targets_1'), okParams),
      message: 'style_loss: style_targets: expected 2 (one tensor per style layer) after feats_0 … feats_2, got 0',
    },
    {
      title: 'feats_0 without its batch dimension',
      sample: makeSample({ ...okInputs(), feats_0: tensor([2, 2, 2], [1, 0, -1, 2, 0.5, 0.5, -0.5, 1]) }, okParams),
      message: 'style_loss: feats_0: expected shape [1, C, H, W], got [2, 2, 2]',
    },
    {
      title: 'empty feats_1',
      sample: makeSample({ ...okInputs(), feats_1: tensor([1, 3, 0, 2]) }, okParams),
      message: 'style_loss: feats_1: expected a non-empty tensor, got shape [1, 3, 0, 2]',
    },
    {
      title: 'NaN in style_targets_1',
      sample: makeSample({ ...okInputs(), style_targets_1: tensor([1, 1, 1], [NaN]) }, okParams),
      message: 'style_loss: style_targets_1: expected finite values, got NaN at [0, 0, 0]',
    },
    {
      title: 'NaN in feats_2',
      sample: makeSample({ ...okInputs(), feats_2: tensor([1, 1, 2, 1], [NaN, 0]) }, okParams),
      message: 'style_loss: feats_2: expected finite values, got NaN at [0, 0, 0, 0]',
    },
  ],
};
