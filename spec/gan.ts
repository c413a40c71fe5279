import fc from 'fast-check';
import type { GpuTensor } from '../accelerated/runtime/buffers';
import { randnTensor } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type ErrorCase, type OpDef } from './harness/op';

/**
 * What the GAN / LSGAN loss rows share (discriminator_loss, generator_loss, ls_discriminator_loss,
 * ls_generator_loss): score vectors (N) in, a scalar loss out; samples, edge cases and errors.
 * The losses are smooth (softplus, squares), so samples need no kink handling.
 */
export interface ScoreLossRow {
  id: string;
  inputs: readonly string[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  reference: [(...args: any[]) => { cache: unknown }, (...args: any[]) => Record<string, Tensor>];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  twin: [(...args: any[]) => { cache: unknown }, (...args: any[]) => Record<string, GpuTensor>];
  validate: (...scores: Tensor[]) => number;
  /** Logits reach far into the tails; least-squares scores stay near 0 and 1. */
  scale: number;
}

const scoreSamples = (inputs: readonly string[], maxN: number, scale: number) =>
  samples(fc.record({ N: dim(1, maxN) }), ({ N }, rng) => ({
    inputs: Object.fromEntries(inputs.map((name) => [name, randnTensor([N], rng, scale)])),
  }));

const vectors = (inputs: readonly string[], ...values: number[][]) =>
  makeSample(Object.fromEntries(inputs.map((name, k) => [name, tensor([values[k].length], values[k])])));

function scoreErrors(id: string, inputs: readonly string[]): ErrorCase[] {
  const ok = (k: number) => tensor([3], [0.5, -1, 2 + k]);
  const withInput = (k: number, t: Tensor) => makeSample(Object.fromEntries(inputs.map((name, j) => [name, j === k ? t : ok(j)])));
  const last = inputs.length - 1;
  const errors: ErrorCase[] = [
    { title: `${inputs[0]} of rank 2`, sample: withInput(0, tensor([3, 1])), message: `${id}: ${inputs[0]}: expected rank 1, got rank 2 (shape [3, 1])` },
    {
      title: `NaN in ${inputs[last]}`,
      sample: withInput(last, tensor([3], [0, NaN, 1])),
      message: `${id}: ${inputs[last]}: expected finite values, got NaN at [1]`,
    },
    {
      title: `empty ${inputs[0]}`,
      sample: makeSample(Object.fromEntries(inputs.map((name) => [name, tensor([0])]))),
      message: `${id}: ${inputs[0]}: expected a non-empty tensor, got shape [0]`,
    },
  ];
  if (inputs.length > 1) {
    errors.push({
      title: `${inputs[1]} length differs`,
      sample: withInput(1, tensor([4])),
      message: `${id}: ${inputs[1]}: expected shape [3] (the shape of ${inputs[0]}), got [4]`,
    });
  }
  return errors;
}

export function scoreLossRow(spec: ScoreLossRow): OpDef {
  const io = [spec.inputs, ['loss']] as const;
  return {
    id: spec.id,
    inputs: spec.inputs.map((name) => ({ name, kind: 'float', differentiable: true })),
    outputs: ['loss'],
    reference: courseImpl(...io, ...spec.reference),
    twin: courseImpl<GpuTensor>(...io, ...spec.twin),
    validate: (inputs) => void spec.validate(...spec.inputs.map((name) => inputs[name])),
    sample: scoreSamples(spec.inputs, 80, spec.scale),
    gradSample: scoreSamples(spec.inputs, 6, spec.scale),
    edgeCases: [
      vectors(spec.inputs, [0.25], [-0.5]), // one sample
      vectors(spec.inputs, [1000, -1000, 1, 0], [-1000, 1000, 0, -1]), // scores far in both tails: finite losses
    ],
    errors: scoreErrors(spec.id, spec.inputs),
  };
}
