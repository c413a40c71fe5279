import { afterAll, describe, expect, it } from 'vitest';
import { empty, release } from '../accelerated/runtime/buffers';
import { getGpu, releaseGpu } from '../accelerated/runtime/device';
import { scope } from '../accelerated/runtime/scope';
import { scopedLoop } from '../reference/scoped_loop';

/** scopedLoop (reference/scoped_loop.ts): the loop of stacked_rnn's layers and a transformer layer's blocks. */
afterAll(releaseGpu);

describe('scopedLoop', () => {
  it("with the twin's hook holds one step at a time: a step frees what it made and the state it replaced, never the initial state", async () => {
    const gpu = await getGpu();
    const before = gpu.pool.lent;
    let most = 0;
    const { initial, last } = scope(() => {
      const initial = empty(gpu, [4]);
      const last = scopedLoop({ scope: (fn) => scope(fn) }, initial, 10, () => {
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
