import fc from 'fast-check';
import * as twin from '../accelerated/softmax';
import * as ref from '../reference/softmax';
import { randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import type { Shaped } from '../reference/validate';
import type { CourseFunction } from './activations';
import { dim, makeSample, offsetRows, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

/**
 * What the softmax and log_softmax rows share: x of rank 1–3 normalized over its last axis, values
 * of σ = 4, one case in four offset by ±1000 per row (so the max-subtraction matters), edge cases
 * and error inputs.
 */
const lastAxisSamples = (maxLead: number, maxC: number, offset = 0) =>
  samples(fc.tuple(fc.array(dim(1, maxLead), { minLength: 0, maxLength: 2 }), dim(1, maxC)), ([lead, C], rng) => {
    const x = randnTensor([...lead, C], rng, 4);
    if (offset) offsetRows(x, offset);
    return { inputs: { x } };
  });

export function lastAxisRow(
  id: string,
  reference: readonly [CourseFunction, CourseFunction],
  twinImpl: readonly [CourseFunction, CourseFunction],
  validate: (x: Shaped) => unknown,
): OpDef {
  const io = [['x'], ['out']] as const;
  return {
    id,
    inputs: [{ name: 'x', kind: 'float', differentiable: true }],
    outputs: ['out'],
    reference: courseImpl(...io, ...reference),
    twin: courseImpl(...io, ...twinImpl),
    validate: ({ x }) => void validate(x),
    sample: fc.oneof({ arbitrary: lastAxisSamples(8, 12), weight: 3 }, { arbitrary: lastAxisSamples(8, 12, 1000), weight: 1 }),
    gradSample: lastAxisSamples(3, 5),
    edgeCases: [
      makeSample({ x: tensor([3, 1], [2, -1, 0.5]) }), // one class: out is 1 (log 0), gradient 0
      makeSample({ x: tensor([2, 3], [1000, 1001, 999, -1000, -1002, -1001]) }), // needs the max-subtraction
      makeSample({ x: tensor([4], [0.25, 0.25, 0.25, 0.25]) }), // rank 1, tied values
      makeSample({ x: tensor([2, 2, 3], [3, -3, 0, 1, 1, 1, -20, 20, 0, 2, 1, 0]) }), // rank 3
    ],
    errors: [
      { title: 'scalar x', sample: makeSample({ x: tensor([], [1]) }), message: `${id}: x: expected rank ≥ 1, got rank 0 (shape [])` },
      { title: 'empty last axis', sample: makeSample({ x: tensor([3, 0]) }), message: `${id}: x: expected a non-empty tensor, got shape [3, 0]` },
      { title: 'NaN in x', sample: makeSample({ x: tensor([2, 2], [1, 2, NaN, 4]) }), message: `${id}: x: expected finite values, got NaN at [1, 0]` },
      { title: 'Infinity in x', sample: makeSample({ x: tensor([3], [Infinity, 0, 1]) }), message: `${id}: x: expected finite values, got Infinity at [0]` },
    ],
  };
}

export const softmax = lastAxisRow('softmax', [ref.softmaxForward, ref.softmaxBackward], [twin.softmaxForward, twin.softmaxBackward], ref.validateSoftmax);
