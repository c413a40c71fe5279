import { afterAll, describe, expect, it } from 'vitest';
import { alloc, empty, read, release, sizeClass, upload, view, type GpuTensor } from '../accelerated/buffers';
import { getGpu, MAX_BATCH, releaseGpu } from '../accelerated/device';
import { map } from '../accelerated/elementwise';
import { lstmForward } from '../accelerated/lstm_forward';
import { matmul } from '../accelerated/matmul';
import { pointwise } from '../accelerated/pointwise';
import { sumAll } from '../accelerated/reduce';
import { makeRng, randnTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';

/**
 * The shared device machinery: the buffer pool (accelerated/buffers.ts) and the command batch that
 * launches record into (Gpu in accelerated/device.ts, launch in accelerated/launch.ts).
 */
afterAll(releaseGpu);

describe('buffer pool', () => {
  it('reuses a released buffer for the next request of its size class and usage', async () => {
    const gpu = await getGpu();
    const t = alloc(gpu, [100]);
    const { buffer } = t;
    release(t);
    expect(gpu.pool.has(buffer)).toBe(true);
    const u = alloc(gpu, [90]); // 360 bytes: the same 512-byte class as 400
    expect(sizeClass(360)).toBe(sizeClass(400));
    expect(u.buffer).toBe(buffer);
    expect(gpu.pool.has(buffer)).toBe(false);
    release(u);
  });

  it('never hands out a buffer that a live tensor holds', async () => {
    const gpu = await getGpu();
    const a = alloc(gpu, [64]);
    const b = alloc(gpu, [64]);
    expect(b.buffer).not.toBe(a.buffer);
    // A tensor and its view released, then the tensor again: the buffer enters the pool once.
    release(a, view(a, [8, 8]));
    release(a);
    const c = alloc(gpu, [64]);
    const d = alloc(gpu, [64]);
    expect(c.buffer).toBe(a.buffer);
    expect(d.buffer).not.toBe(c.buffer);
    // A stale release (of a tensor whose buffer c now holds) gives nothing back.
    release(a);
    expect(gpu.pool.has(c.buffer)).toBe(false);
    const e = alloc(gpu, [64]);
    expect(e.buffer).not.toBe(c.buffer);
    release(b, c, d, e);
  });

  it('keeps at most capBytes pooled and destroys the rest', async () => {
    const gpu = await getGpu();
    const cap = gpu.pool.capBytes;
    gpu.pool.clear();
    gpu.pool.capBytes = 3 * 8192;
    try {
      const ts = Array.from({ length: 8 }, () => alloc(gpu, [2048])); // 8 KiB each
      release(...ts);
      expect(gpu.pool.pooledBytes).toBeLessThanOrEqual(gpu.pool.capBytes);
      expect(gpu.pool.size).toBe(3);
      gpu.throwIfFailed(); // destroying the surplus raised no WebGPU error
    } finally {
      gpu.pool.capBytes = cap;
    }
  });

  it('empty() zero-fills a reused buffer; upload() overwrites one', async () => {
    const gpu = await getGpu();
    const ones = upload(gpu, tensor([50], new Array(50).fill(1)));
    const { buffer } = ones;
    release(ones);
    const z = empty(gpu, [50]);
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
    release(alloc(gpu, [10]), alloc(gpu, [1000]));
    expect(gpu.pool.size).toBeGreaterThan(0);
    await releaseGpu();
    expect(gpu.pool.size).toBe(0);
    expect(gpu.pool.pooledBytes).toBe(0);
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

  it('submits launches before any direct use of the queue (submit, onSubmittedWorkDone)', async () => {
    const gpu = await getGpu();
    const x = upload(gpu, tensor([4], [1, 2, 3, 4]));
    const y = map('test:double', '2.0 * a', x);
    const copy = empty(gpu, [4]);
    // What accelerated/nms.ts does: its own encoder, submitted on the queue.
    const encoder = gpu.device.createCommandEncoder();
    encoder.copyBufferToBuffer(y.buffer, 0, copy.buffer, 0, 16);
    gpu.device.queue.submit([encoder.finish()]);
    expect([...(await read(copy)).data]).toEqual([2, 4, 6, 8]);
    const z = map('test:double', '2.0 * a', y);
    await gpu.device.queue.onSubmittedWorkDone();
    expect(gpu.pending).toBe(false);
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
