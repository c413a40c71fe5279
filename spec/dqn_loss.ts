import fc from 'fast-check';
import * as twin from '../accelerated/dqn_loss';
import * as ref from '../reference/dqn_loss';
import { randintTensor, randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { courseImpl, type OpDef } from './harness/op';

const io = [['q', 'actions', 'rewards', 'q_next', 'done'], ['loss']] as const;

/** Batches of transitions, one or several actions, some terminal; γ from 0 (bandit) to 1. */
const dqnSamples = (maxN: number, maxA: number) =>
  samples(fc.record({ N: dim(1, maxN), A: dim(1, maxA), gamma: fc.constantFrom(0, 0.9, 0.99, 1) }), ({ N, A, gamma }, rng) => ({
    inputs: {
      q: randnTensor([N, A], rng),
      actions: randintTensor([N], rng, A),
      rewards: randnTensor([N], rng),
      q_next: randnTensor([N, A], rng),
      done: randintTensor([N], rng, 2),
    },
    params: { gamma },
  }));

const ok = () => ({
  q: tensor([2, 3], [1, 2, 3, 4, 5, 6]),
  actions: tensor([2], [0, 2]),
  rewards: tensor([2], [1, -1]),
  q_next: tensor([2, 3], [0, 1, 0, 2, 0, 0]),
  done: tensor([2], [0, 1]),
});

export const dqn_loss: OpDef = {
  id: 'dqn_loss',
  inputs: [
    { name: 'q', kind: 'float', differentiable: true },
    { name: 'actions', kind: 'int', differentiable: false },
    { name: 'rewards', kind: 'float', differentiable: false },
    { name: 'q_next', kind: 'float', differentiable: false },
    { name: 'done', kind: 'float', differentiable: false },
  ],
  outputs: ['loss'],
  reference: courseImpl(...io, ref.dqnLossForward, ref.dqnLossBackward),
  twin: courseImpl(...io, twin.dqnLossForward, twin.dqnLossBackward),
  validate: ({ q, actions, rewards, q_next, done }, params) => void ref.validateDqnLoss(q, actions, rewards, q_next, done, params),
  sample: dqnSamples(64, 8),
  gradSample: dqnSamples(5, 4),
  edgeCases: [
    makeSample(ok(), { gamma: 0.9 }), // one running, one terminal transition
    // one action, every transition terminal: the target is the reward alone
    makeSample(
      {
        q: tensor([3, 1], [1, 2, 3]),
        actions: tensor([3], [0, 0, 0]),
        rewards: tensor([3], [1, 1, 1]),
        q_next: tensor([3, 1], [9, 9, 9]),
        done: tensor([3], [1, 1, 1]),
      },
      { gamma: 1 },
    ),
  ],
  errors: [
    {
      title: 'action out of range',
      sample: makeSample({ ...ok(), actions: tensor([2], [0, 3]) }, { gamma: 0.9 }),
      message: 'dqn_loss: actions: expected labels in [0, 2], got 3 at [1]',
    },
    {
      title: 'q_next shape differs',
      sample: makeSample({ ...ok(), q_next: tensor([2, 2]) }, { gamma: 0.9 }),
      message: 'dqn_loss: q_next: expected shape [2, 3] (from q), got [2, 2]',
    },
    {
      title: 'done not 0 or 1',
      sample: makeSample({ ...ok(), done: tensor([2], [0, 0.5]) }, { gamma: 0.9 }),
      message: 'dqn_loss: done: expected flags 0 or 1, got 0.5 at [1]',
    },
    { title: 'gamma above 1', sample: makeSample(ok(), { gamma: 1.5 }), message: 'dqn_loss: gamma: expected a number ≥ 0 and ≤ 1, got 1.5' },
    { title: 'missing gamma', sample: makeSample(ok()), message: 'dqn_loss: gamma: expected a number ≥ 0 and ≤ 1, got undefined' },
    ...(
      [
        ['q of rank 1', { q: tensor([3]) }, 'dqn_loss: q: expected rank 2, got rank 1 (shape [3])'],
        ['empty q', { q: tensor([2, 0]), q_next: tensor([2, 0]) }, 'dqn_loss: q: expected a non-empty tensor, got shape [2, 0]'],
        ['actions length differs from N', { actions: tensor([3]) }, 'dqn_loss: actions: expected shape [2] (N = 2 from q), got [3]'],
        ['rewards length differs from N', { rewards: tensor([1]) }, 'dqn_loss: rewards: expected shape [2] (N = 2 from q), got [1]'],
        ['done length differs from N', { done: tensor([2, 1]) }, 'dqn_loss: done: expected shape [2] (N = 2 from q), got [2, 1]'],
        ['Infinity in q', { q: tensor([2, 3], [1, 2, 3, 4, Infinity, 6]) }, 'dqn_loss: q: expected finite values, got Infinity at [1, 1]'],
        ['NaN in q_next', { q_next: tensor([2, 3], [0, 1, 0, 2, NaN, 0]) }, 'dqn_loss: q_next: expected finite values, got NaN at [1, 1]'],
      ] as const
    ).map(([title, inputs, message]) => ({ title, sample: makeSample({ ...ok(), ...inputs }, { gamma: 0.9 }), message })),
    {
      title: 'NaN in rewards',
      sample: makeSample({ ...ok(), rewards: tensor([2], [NaN, 0]) }, { gamma: 0.9 }),
      message: 'dqn_loss: rewards: expected finite values, got NaN at [0]',
    },
  ],
};
