import { afterAll, describe, expect, it } from 'vitest';
import { empty, release } from '../accelerated/runtime/buffers';
import { getGpu, releaseGpu } from '../accelerated/runtime/device';
import { scope, scopedSteps } from '../accelerated/runtime/scope';
import { scopedLoop } from '../reference/scoped_loop';

/** scopedLoop (reference/scoped_loop.ts: stacked_rnn's layers, a transformer layer's blocks) and scopedSteps (the twins' time loops). */
afterAll(releaseGpu);

describe('scopedLoop', () => {
  // scopedSteps (accelerated/runtime/scope.ts) is the iterative device-side form of the same loop.
  it.each([
    ["scopedLoop with the twin's hook", <S>(initial: S, count: number, step: (s: S) => S) => scopedLoop({ scope: (fn) => scope(fn) }, initial, count, step)],
    ['scopedSteps', scopedSteps],
  ] as const)('%s holds one step at a time: a step frees what it made and the state it replaced, never the initial state', async (_, loop) => {
    const gpu = await getGpu();
    const before = gpu.pool.lent;
    let most = 0;
    const { initial, last } = scope(() => {
      const initial = empty(gpu, [4]);
      const last = loop(initial, 10, () => {
        empty(gpu, [4]); // a temporary of the step
        most = Math.max(most, gpu.pool.lent - before);
        return empty(gpu, [4]);
      });
      expect(initial.lease?.live).toBe(true);
      return { initial, last };
    });
    // initial, the state given and the temporary, however many steps ran
    expect(most).toBe(3);
    expect(gpu.pool.lent - before).toBe(2);
    release(initial, last);
  });

  it('scopedSteps runs a loop of 100,000 steps (it does not nest one scope per step)', () => {
    expect(scopedSteps(0, 100_000, (s) => s + 1)).toBe(100_000);
  });

  it("with the reference's hook is the plain loop: steps 0 … count − 1 in order, each given the state the one before returned", () => {
    const hook = { scope: <R>(fn: () => R): R => fn() };
    expect(scopedLoop(hook, ['start'], 3, (state, i) => [...state, `step ${i} after ${state.at(-1)}`])).toEqual([
      'start',
      'step 0 after start',
      'step 1 after step 0 after start',
      'step 2 after step 1 after step 0 after start',
    ]);
    expect(scopedLoop(hook, 'initial', 0, () => 'a step')).toBe('initial');
  });
});
