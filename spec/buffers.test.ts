import { afterAll, describe, expect, it } from 'vitest';
import { empty, zeros, read, release, upload, view, type GpuTensor } from '../accelerated/runtime/buffers';
import { sizeClass } from '../accelerated/runtime/pool';
import { keep, scope } from '../accelerated/runtime/scope';
import { getGpu, MAX_BATCH, releaseGpu } from '../accelerated/runtime/device';
import { map } from '../accelerated/runtime/elementwise';
import { lstmForward } from '../accelerated/lstm_forward';
import { matmul } from '../accelerated/runtime/matmul';
import { pointwise } from '../accelerated/runtime/pointwise';
import { sumAll } from '../accelerated/runtime/reduce';
import { makeRng, randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { TABLE } from './harness/table';
import type { TwinImpl } from './harness/op';
import { runTwin } from './harness/twin';

/**
 * The shared device machinery: the buffer pool (accelerated/runtime/buffers.ts) and the command batch that
 * launches record into (Gpu in accelerated/runtime/device.ts, launch in accelerated/runtime/kernel.ts).
 */
afterAll(releaseGpu);

describe('buffer pool', () => {
  it('reuses a released buffer for the next request of its size class and usage', async () => {
    const gpu = await getGpu();
    const t = empty(gpu, [100]);
    const { buffer } = t;
    release(t);
    expect(gpu.pool.has(buffer)).toBe(true);
    const u = empty(gpu, [90]); // 360 bytes: the same 512-byte class as 400
    expect(sizeClass(360)).toBe(sizeClass(400));
    expect(u.buffer).toBe(buffer);
    expect(gpu.pool.has(buffer)).toBe(false);
    release(u);
  });

  it('never hands out a buffer that a live tensor holds', async () => {
    const gpu = await getGpu();
    const a = empty(gpu, [64]);
    const b = empty(gpu, [64]);
    expect(b.buffer).not.toBe(a.buffer);
    // A tensor and its view released, then the tensor again: the buffer enters the pool once.
    release(a, view(a, [8, 8]));
    release(a);
    const c = empty(gpu, [64]);
    const d = empty(gpu, [64]);
    expect(c.buffer).toBe(a.buffer);
    expect(d.buffer).not.toBe(c.buffer);
    // A stale release (of a tensor whose buffer c now holds) gives nothing back.
    release(a);
    expect(gpu.pool.has(c.buffer)).toBe(false);
    const e = empty(gpu, [64]);
    expect(e.buffer).not.toBe(c.buffer);
    release(b, c, d, e);
  });

  it('keeps at most capBytes pooled and destroys the rest', async () => {
    const gpu = await getGpu();
    const cap = gpu.pool.capBytes;
    gpu.pool.clear();
    gpu.pool.capBytes = 3 * 8192;
    try {
      const ts = Array.from({ length: 8 }, () => empty(gpu, [2048])); // 8 KiB each
      release(...ts);
      expect(gpu.pool.pooledBytes).toBeLessThanOrEqual(gpu.pool.capBytes);
      expect(gpu.pool.size).toBe(3);
      gpu.throwIfFailed(); // destroying the surplus raised no WebGPU error
    } finally {
      gpu.pool.capBytes = cap;
    }
  });

  it('zeros() zero-fills a reused buffer; upload() overwrites one', async () => {
    const gpu = await getGpu();
    const ones = upload(gpu, tensor([50], new Array(50).fill(1)));
    const { buffer } = ones;
    release(ones);
    const z = zeros(gpu, [50]);
    expect(z.buffer).toBe(buffer);
    expect([...(await read(z)).data]).toEqual(new Array(50).fill(0));
    release(z);
    const values = randnTensor([50], makeRng('upload'));
    const u = upload(gpu, values);
    expect(u.buffer).toBe(buffer);
    expect([...(await read(u)).data]).toEqual([...Float32Array.from(values.data)]);
    release(u);
  });

  it('an upload into a buffer released during the open batch waits for the commands that read it', async () => {
    const gpu = await getGpu();
    const x = upload(gpu, tensor([4], [1, 2, 3, 4]));
    const y = map('test:double', '2.0 * a', x); // recorded, not yet submitted
    expect(gpu.pending).toBe(true);
    release(x);
    const z = upload(gpu, tensor([4], [10, 20, 30, 40]));
    expect(z.buffer).toBe(x.buffer); // the hazard is really exercised
    expect([...(await read(y)).data]).toEqual([2, 4, 6, 8]);
    expect([...(await read(z)).data]).toEqual([10, 20, 30, 40]);
    release(y, z);
  });

  it('releaseGpu destroys the pooled buffers', async () => {
    const gpu = await getGpu();
    release(empty(gpu, [10]), empty(gpu, [1000]));
    expect(gpu.pool.size).toBeGreaterThan(0);
    await releaseGpu();
    expect(gpu.pool.size).toBe(0);
    expect(gpu.pool.pooledBytes).toBe(0);
  });
});

describe('scope', () => {
  it('frees what the function made except what it returns; a view returned keeps its tensor', async () => {
    const gpu = await getGpu();
    const before = gpu.pool.lent;
    const outside = empty(gpu, [4]);
    const { result, kept } = scope(() => {
      const a = empty(gpu, [4]);
      const b = upload(gpu, tensor([2, 2], [1, 2, 3, 4]));
      empty(gpu, [8]);
      return { result: [view(b, [4])], kept: a, outside };
    });
    // outside, a and b stay; the [8] tensor went back to the pool
    expect(gpu.pool.lent - before).toBe(3);
    expect([...(await read(result[0])).data]).toEqual([1, 2, 3, 4]);
    release(outside, kept, result[0]);
    expect(gpu.pool.lent).toBe(before);
  });

  it('hands what an inner scope returns to the outer scope, which frees it unless it returns it too', async () => {
    const gpu = await getGpu();
    const before = gpu.pool.lent;
    let afterInner = 0;
    const survivor = scope(() => {
      const inner = scope(() => {
        empty(gpu, [4]);
        return empty(gpu, [4]);
      });
      afterInner = gpu.pool.lent - before;
      const dropped = scope(() => empty(gpu, [4]));
      expect(dropped.lease?.live).toBe(true);
      return inner;
    });
    expect(afterInner).toBe(1);
    expect(gpu.pool.lent - before).toBe(1);
    expect(survivor.lease?.live).toBe(true);
    release(survivor);
  });

  it('keep() takes a tensor out of every scope; release inside a scope is not undone', async () => {
    const gpu = await getGpu();
    const before = gpu.pool.lent;
    let kept: GpuTensor | undefined;
    scope(() => {
      scope(() => {
        kept = keep(empty(gpu, [4]));
      });
      const early = empty(gpu, [4]);
      release(early);
    });
    expect(gpu.pool.lent - before).toBe(1);
    expect(kept!.lease?.live).toBe(true);
    release(kept!);
    expect(gpu.pool.lent).toBe(before);
  });

  it('frees everything when the function throws, sync or async', async () => {
    const gpu = await getGpu();
    const before = gpu.pool.lent;
    expect(() =>
      scope(() => {
        empty(gpu, [4]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(gpu.pool.lent).toBe(before);
    await expect(
      scope(async () => {
        empty(gpu, [4]);
        await Promise.resolve();
        empty(gpu, [4]);
        throw new Error('async boom');
      }),
    ).rejects.toThrow('async boom');
    expect(gpu.pool.lent).toBe(before);
  });

  it('closes an async scope when its promise settles, keeping what it resolves to', async () => {
    const gpu = await getGpu();
    const before = gpu.pool.lent;
    const reported: number[] = [];
    const pending = scope(
      async () => {
        const x = upload(gpu, tensor([3], [1, 2, 3]));
        const y = map('test:double', '2.0 * a', x);
        await read(y); // made across an await: still this scope's
        return { y, made: empty(gpu, [2]) };
      },
      { freed: (n) => reported.push(n) },
    );
    const { y, made } = await pending;
    expect(reported).toEqual([1]); // x only
    expect(gpu.pool.lent - before).toBe(2);
    expect([...(await read(y)).data]).toEqual([2, 4, 6]);
    release(y, made);
  });

  it("counts a twin's leaks: what its forward and backward made but neither returned nor released", async () => {
    const gpu = await getGpu();
    const row = TABLE.find((r) => r.id === 'relu')!;
    const sample = { inputs: { x: tensor([2], [1, -1]) }, params: {} };
    const douts = { out: tensor([2], [1, 1]) };
    const leaky: TwinImpl = {
      forward: async (inputs) => {
        empty(gpu, [3]);
        return row.twin!.forward(inputs, {});
      },
      backward: (d, cache) => {
        empty(gpu, [3]);
        empty(gpu, [3]);
        return row.twin!.backward!(d, cache);
      },
    };
    const before = gpu.pool.lent;
    expect((await runTwin(row, sample, douts)).leaked).toBe(0);
    expect((await runTwin(row, sample, douts, leaky)).leaked).toBe(3);
    expect(gpu.pool.lent).toBe(before);
  });

  it('refuses overlapping async scopes', async () => {
    const gpu = await getGpu();
    const before = gpu.pool.lent;
    let finishOuter!: () => void;
    const outer = scope(() => new Promise<void>((resolve) => (finishOuter = resolve)));
    const inner = scope(async () => {
      await Promise.resolve();
      empty(gpu, [4]);
    });
    finishOuter();
    await expect(outer).rejects.toThrow('async scopes must not overlap');
    await inner;
    expect(gpu.pool.lent).toBe(before);
  });
});

describe('command batching', () => {
  /** A chain of twins (matmul with bias, LSTM over 5 steps, elementwise, tree sum) read back at the end. */
  async function chain(batching: boolean): Promise<Float64Array[]> {
    const gpu = await getGpu();
    gpu.batching = batching;
    try {
      const rng = makeRng('chain');
      const [x, w, b] = [randnTensor([12, 8], rng), randnTensor([8, 16], rng), randnTensor([16], rng)].map((t) => upload(gpu, t));
      const [seq, h0, Wx, Wh, bl] = [[3, 5, 16], [3, 6], [16, 24], [6, 24], [24]].map((s) => upload(gpu, randnTensor(s, rng, 0.3)));
      const y = matmul(x, w, { bias: b });
      const z = map('test:square', 'a * a', y);
      const { h, cache } = lstmForward(seq, h0, Wx, Wh, bl);
      const total = sumAll(h);
      const outs = [y, z, h, total];
      const results = [];
      for (const t of outs) results.push((await read(t)).data);
      release(x, w, b, seq, h0, Wx, Wh, bl, ...outs, cache.state.c, cache.state.gates);
      return results;
    } finally {
      gpu.batching = true;
    }
  }

  it('gives results identical to submitting every launch', async () => {
    const batched = await chain(true);
    const unbatched = await chain(false);
    expect(batched.map((d) => [...d])).toEqual(unbatched.map((d) => [...d]));
  });

  it('records launches until a read, which submits them', async () => {
    const gpu = await getGpu();
    const x = upload(gpu, tensor([3], [1, 2, 3]));
    expect(gpu.pending).toBe(false);
    const y = map('test:double', '2.0 * a', x);
    expect(gpu.pending).toBe(true);
    const batch = gpu.batch;
    expect([...(await read(y)).data]).toEqual([2, 4, 6]);
    expect(gpu.pending).toBe(false);
    expect(gpu.batch).toBe(batch + 1);
    release(x, y);
  });

  it('orders copies recorded into the batch after its launches, and idle() submits the batch', async () => {
    const gpu = await getGpu();
    const x = upload(gpu, tensor([4], [1, 2, 3, 4]));
    const y = map('test:double', '2.0 * a', x);
    const copy = zeros(gpu, [4]);
    // What accelerated/nms.ts does: a copy recorded into the open batch.
    gpu.commandEncoder().copyBufferToBuffer(y.buffer, 0, copy.buffer, 0, 16);
    expect([...(await read(copy)).data]).toEqual([2, 4, 6, 8]);
    const z = map('test:double', '2.0 * a', y);
    const batch = gpu.batch;
    await gpu.idle();
    expect(gpu.pending).toBe(false);
    expect(gpu.batch).toBe(batch + 1);
    release(x, y, copy, z);
  });

  it('gives every launch of a long batch its own uniforms, submitting when the batch is full', async () => {
    const gpu = await getGpu();
    const steps = 2 * MAX_BATCH + 7;
    let x: GpuTensor = upload(gpu, tensor([4], [0, 0, 0, 0]));
    const batch = gpu.batch;
    for (let k = 1; k <= steps; k++) {
      const { next } = pointwise(gpu, {
        name: 'test:add',
        inputs: { x },
        outputs: { next: { shape: [4] } },
        uniforms: { v: ['f32', k] },
        count: 4,
        body: 'next[i] = x[i] + v;',
      });
      release(x);
      x = next;
    }
    expect(gpu.batch).toBeGreaterThanOrEqual(batch + 2); // full batches were submitted on the way
    expect([...(await read(x)).data]).toEqual(new Array(4).fill((steps * (steps + 1)) / 2));
    release(x);
  });
});
