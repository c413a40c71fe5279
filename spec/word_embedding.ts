import fc from 'fast-check';
import * as twin from '../accelerated/word_embedding';
import * as ref from '../reference/word_embedding';
import { randintTensor, randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const io = [['x', 'W'], ['out']] as const;

/** Vocabularies from 1 word (every index repeats) up; T from 1 to 12. */
const embeddingSamples = (maxN: number, maxT: number, maxV: number, maxD: number) =>
  samples(fc.record({ N: dim(1, maxN), T: dim(1, maxT), V: dim(1, maxV), D: dim(1, maxD) }), ({ N, T, V, D }, rng) => ({
    inputs: { x: randintTensor([N, T], rng, V), W: randnTensor([V, D], rng) },
  }));

const W = tensor([4, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
const x = tensor([2, 3], [0, 3, 3, 1, 0, 2]);

export const word_embedding: OpDef = {
  id: 'word_embedding',
  inputs: [
    { name: 'x', kind: 'int', differentiable: false },
    { name: 'W', kind: 'float', differentiable: true },
  ],
  outputs: ['out'],
  reference: courseImpl(...io, ref.wordEmbeddingForward, ref.wordEmbeddingBackward),
  twin: courseImpl(...io, twin.wordEmbeddingForward, twin.wordEmbeddingBackward),
  validate: ({ x, W }) => void ref.validateWordEmbedding(x, W),
  sample: embeddingSamples(6, 12, 20, 9),
  gradSample: embeddingSamples(2, 12, 5, 3),
  edgeCases: [makeSample({ x: tensor([1, 1], [2]), W }), makeSample({ x: tensor([2, 4], [1, 1, 1, 1, 1, 1, 1, 1]), W }), makeSample({ x, W })],
  errors: [
    { title: 'x of rank 1', sample: makeSample({ x: tensor([3], [0, 1, 2]), W }), message: 'word_embedding: x: expected rank 2, got rank 1 (shape [3])' },
    { title: 'W of rank 1', sample: makeSample({ x, W: tensor([8]) }), message: 'word_embedding: W: expected rank 2, got rank 1 (shape [8])' },
    {
      title: 'index out of vocabulary',
      sample: makeSample({ x: tensor([2, 3], [0, 1, 2, 3, 4, 0]), W }),
      message: 'word_embedding: x: expected indices in [0, 3], got 4 at [1, 1]',
    },
    {
      title: 'negative index',
      sample: makeSample({ x: tensor([2, 3], [0, -1, 2, 3, 1, 0]), W }),
      message: 'word_embedding: x: expected indices in [0, 3], got -1 at [0, 1]',
    },
    {
      title: 'non-integer index',
      sample: makeSample({ x: tensor([2, 3], [0, 1, 2, 2.5, 1, 0]), W }),
      message: 'word_embedding: x: expected integer indices, got 2.5 at [1, 0]',
    },
    {
      title: 'NaN in W',
      sample: makeSample({ x, W: tensor([4, 2], [1, 2, 3, NaN, 5, 6, 7, 8]) }),
      message: 'word_embedding: W: expected finite values, got NaN at [1, 1]',
    },
  ],
};
