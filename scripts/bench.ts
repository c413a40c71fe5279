import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { read, release, upload, type GpuTensor } from '../accelerated/buffers';
import type { Gpu } from '../accelerated/device';
import { makeRng, randnTensor } from '../reference/rng';
import type { Tensor } from '../reference/tensor';
import { findRow } from '../spec/table';

/**
 * `gradcheck bench`: time per call of the twin, the reference, tfjs-backend-webgpu on the same Dawn
 * adapter and tfjs-backend-cpu, measured side by side in one run, printed as ratios and GFLOP/s.
 * Each case runs an op row's forward on fixed random inputs.
 */
export interface BenchCase {
  name: string;
  op: string;
  flops: number;
  inputs: (seed: number) => Record<string, Tensor>;
  params?: Record<string, unknown>;
  /** The same computation in tfjs, on the active tfjs backend. */
  tfjs?: (inputs: Record<string, tf.Tensor>) => tf.Tensor;
  /** Axis permutations that bring inputs into tfjs's layout (e.g. NCHW → NHWC), applied before timing. */
  tfjsLayout?: Record<string, number[]>;
}

const matmulCase = (n: number): BenchCase => ({
  name: `matmul ${n}`,
  op: 'affine',
  flops: 2 * n * n * n,
  inputs: (seed) => {
    const rng = makeRng(seed);
    return { x: randnTensor([n, n], rng), w: randnTensor([n, n], rng), b: randnTensor([n], rng) };
  },
  tfjs: ({ x, w, b }) => tf.add(tf.matMul(x, w), b),
});

/** conv2d, 3×3, pad 1: N=32, 16 → 32 channels, 28×28 (tfjs in its NHWC / HWIO layout). */
const conv2dCase: BenchCase = {
  name: 'conv2d',
  op: 'conv2d',
  flops: 2 * 32 * 32 * 28 * 28 * 16 * 9,
  inputs: (seed) => {
    const rng = makeRng(seed);
    return { x: randnTensor([32, 16, 28, 28], rng), w: randnTensor([32, 16, 3, 3], rng, 0.1), b: randnTensor([32], rng) };
  },
  params: { stride: 1, pad: 1 },
  tfjsLayout: { x: [0, 2, 3, 1], w: [2, 3, 1, 0] },
  tfjs: ({ x, w, b }) => tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), b),
};

/** lstm_forward over T=20 steps, N=32, D=H=128, gates i, f, o, g (tfjs: the same cell from its ops). */
const lstmCase: BenchCase = {
  name: 'lstm_forward',
  op: 'lstm_forward',
  flops: 20 * 2 * 32 * (128 + 128) * 4 * 128,
  inputs: (seed) => {
    const rng = makeRng(seed);
    return {
      x: randnTensor([32, 20, 128], rng),
      h0: randnTensor([32, 128], rng),
      Wx: randnTensor([128, 512], rng, 0.05),
      Wh: randnTensor([128, 512], rng, 0.05),
      b: randnTensor([512], rng),
    };
  },
  tfjs: ({ x, h0, Wx, Wh, b }) =>
    tf.tidy(() => {
      let h = h0 as tf.Tensor2D;
      let c = tf.zerosLike(h);
      const hs: tf.Tensor2D[] = [];
      for (const xt of tf.unstack(x, 1) as tf.Tensor2D[]) {
        const [i, f, o, g] = tf.split(tf.add(tf.add(tf.matMul(xt, Wx as tf.Tensor2D), tf.matMul(h, Wh as tf.Tensor2D)), b), 4, 1);
        c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
        h = tf.mul(tf.sigmoid(o), tf.tanh(c)) as tf.Tensor2D;
        hs.push(h);
      }
      return tf.stack(hs, 1);
    }),
};

/** scaled_dot_product_attention, N=8, T=64, E=128, no mask. */
const attentionCase: BenchCase = {
  name: 'attention',
  op: 'scaled_dot_product_attention',
  flops: 2 * (2 * 8 * 64 * 64 * 128),
  inputs: (seed) => {
    const rng = makeRng(seed);
    return { q: randnTensor([8, 64, 128], rng), k: randnTensor([8, 64, 128], rng), v: randnTensor([8, 64, 128], rng) };
  },
  tfjs: ({ q, k, v }) => tf.tidy(() => tf.matMul(tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(128))), v)),
};

export const BENCH_CASES: BenchCase[] = [matmulCase(256), matmulCase(512), matmulCase(1024), conv2dCase, lstmCase, attentionCase];

export interface Timing {
  impl: string;
  seconds: number;
}

/** Mean seconds per call: one warm-up call, then calls until `budget` seconds or `maxCalls` have passed. */
async function timeIt(run: () => Promise<void> | void, budget = 1, maxCalls = 20): Promise<number> {
  await run();
  let calls = 0;
  const start = performance.now();
  while (calls < maxCalls && (calls < 2 || performance.now() - start < budget * 1000)) {
    await run();
    calls++;
  }
  return (performance.now() - start) / 1000 / calls;
}

export async function benchCase(gpu: Gpu, c: BenchCase, withReference: boolean): Promise<Timing[]> {
  const row = findRow(c.op);
  const hostInputs = c.inputs(1);
  const params = c.params ?? {};
  const timings: Timing[] = [];

  const kinds = Object.fromEntries(row.inputs.map((i) => [i.name, i.kind]));
  const deviceInputs: Record<string, GpuTensor> = Object.fromEntries(
    Object.entries(hostInputs).map(([k, t]) => [k, upload(gpu, t, kinds[k] === 'int' ? 'i32' : 'f32')]),
  );
  timings.push({
    impl: 'twin',
    seconds: await timeIt(async () => {
      const { outputs } = await row.twin!.forward(deviceInputs, params);
      await gpu.device.queue.onSubmittedWorkDone();
      release(...Object.values(outputs));
    }),
  });
  // Read one result back so that a kernel that silently did nothing cannot look fast.
  const { outputs } = await row.twin!.forward(deviceInputs, params);
  await read(Object.values(outputs)[0]);
  release(...Object.values(outputs), ...Object.values(deviceInputs));

  if (withReference) timings.push({ impl: 'reference', seconds: await timeIt(() => void row.reference.forward(hostInputs, params), 1, 3) });

  if (c.tfjs) {
    for (const backend of ['webgpu', 'cpu']) {
      await tf.setBackend(backend);
      await tf.ready();
      const tfInputs = Object.fromEntries(
        Object.entries(hostInputs).map(([k, t]) => {
          const natural = tf.tensor(Float32Array.from(t.data), [...t.shape]);
          const perm = c.tfjsLayout?.[k];
          return [k, perm ? tf.transpose(natural, perm) : natural];
        }),
      );
      const seconds = await timeIt(async () => {
        const out = c.tfjs!(tfInputs);
        await out.data();
        out.dispose();
      }, 1, 5);
      Object.values(tfInputs).forEach((t) => t.dispose());
      timings.push({ impl: `tfjs-${backend}`, seconds });
    }
  }
  return timings;
}

/**
 * tfjs-backend-webgpu registers itself on import only if navigator.gpu exists: give it this
 * process's Dawn instance first, so tfjs and the twins share one adapter.
 */
export async function shareAdapterWithTfjs(gpu: Gpu): Promise<void> {
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: gpu.instance }, configurable: true, writable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
}

export function formatBench(c: BenchCase, timings: Timing[]): string {
  const twin = timings.find((t) => t.impl === 'twin')!.seconds;
  const cells = timings.map((t) => {
    const speedup = t.seconds / twin;
    const ratio = t.impl === 'twin' ? '' : speedup >= 1 ? `  twin ${speedup.toFixed(2)}× faster` : `  twin ${(1 / speedup).toFixed(2)}× slower`;
    return `  ${t.impl.padEnd(12)} ${(t.seconds * 1000).toFixed(2).padStart(10)} ms  ${(c.flops / t.seconds / 1e9).toFixed(2).padStart(7)} GFLOP/s${ratio}`;
  });
  return [c.name, ...cells].join('\n');
}
