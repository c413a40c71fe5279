import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { read, release, upload, type GpuTensor } from '../accelerated/runtime/buffers';
import type { Gpu } from '../accelerated/runtime/device';
import { openBackend, type AnyBackend } from '../accelerated/models/open_backend';
import { threeLayerConvNet as threeLayerConvNetTwin } from '../accelerated/models/three_layer_conv_net';
import type { Backend, Model } from '../reference/models/backend';
import { readModelFixture } from '../reference/models/fixtures';
import { CLASSES, IMAGE_SIZE } from '../reference/models/mnist';
import { Solver } from '../reference/models/solver';
import { initThreeLayerConvNet, threeLayerConvNet } from '../reference/models/three_layer_conv_net';
import { makeRng, randnTensor } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';
import { findRow } from '../spec/harness/table';

/**
 * `gradcheck bench`: time per call of the twin, the reference, tfjs-backend-webgpu on the same Dawn
 * adapter and tfjs-backend-cpu, measured side by side in one run, printed as ratios and GFLOP/s.
 * Each case runs an op row's forward on fixed random inputs, or (`step`) a whole training step.
 */
export interface BenchCase {
  name: string;
  /** The op row whose forward is timed (or, for a `step` case, the model's name). */
  op: string;
  flops: number;
  inputs?: (seed: number) => Record<string, Tensor>;
  /** Instead of an op row: one training step on a backend, set up once (untimed), then timed per call. */
  step?: (backend: AnyBackend) => () => Promise<void>;
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

/**
 * One Solver step (minibatch gather, loss and gradients, optimizer update, loss read back) of the
 * three-layer conv net with its e2e fixture's hyper-parameters and optimizer, on N = 50 random
 * (N, 784) rows. FLOPs: 3× the forward's conv and affines (the backward costs about twice the forward).
 */
const CONV_NET_N = 50;
const convNetFixture = () => readModelFixture('three_layer_conv_net');
function convNetFlops(): number {
  const { num_filters: F, filter_size: k, hidden_dim: hidden } = convNetFixture().hyper;
  const pooled = (F * IMAGE_SIZE) / 4;
  return 3 * 2 * CONV_NET_N * (F * IMAGE_SIZE * k * k + pooled * hidden + hidden * CLASSES);
}

const convNetStepCase: BenchCase = {
  name: 'conv_net_step',
  op: 'three_layer_conv_net',
  get flops() {
    return convNetFlops();
  },
  step(backend) {
    const { hyper } = convNetFixture();
    return backend.name === 'webgpu' ? convNetStep(backend, threeLayerConvNetTwin(hyper)) : convNetStep(backend, threeLayerConvNet(hyper));
  },
};

/** convNetStepCase's step of `model` on `backend`, set up. */
function convNetStep<T>(backend: Backend<T>, model: Model<T>): () => Promise<void> {
  const { hyper, solver: config } = convNetFixture();
  if (!config) throw new Error('bench conv_net_step: fixtures/e2e/three_layer_conv_net.json has no solver config');
  const rng = makeRng('bench:conv_net');
  const X = backend.upload(
    tensor(
      [CONV_NET_N, IMAGE_SIZE],
      Array.from({ length: CONV_NET_N * IMAGE_SIZE }, () => rng()),
    ),
  );
  const y = backend.upload(
    tensor(
      [CONV_NET_N],
      Array.from({ length: CONV_NET_N }, () => Math.floor(rng() * CLASSES)),
    ),
    'i32',
  );
  const solver = new Solver(backend, model, initThreeLayerConvNet(hyper, 0), { X_train: X, y_train: y, X_val: X, y_val: y }, config);
  const rows = Array.from({ length: CONV_NET_N }, (_, i) => i);
  return async () => void (await solver.step(rows, config.optim_config.lr));
}

export const BENCH_CASES: BenchCase[] = [matmulCase(256), matmulCase(512), matmulCase(1024), conv2dCase, lstmCase, attentionCase, convNetStepCase];

export interface Timing {
  impl: string;
  seconds: number;
}

/**
 * Median seconds per call: one warm-up call, then calls until `budget` seconds or `maxCalls` have
 * passed (at least 3). The median, not the mean, so that a stall from another process sharing the
 * cores does not count as the op's time.
 */
async function timeIt(run: () => Promise<void> | void, budget = 1, maxCalls = 20): Promise<number> {
  await run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxCalls && (times.length < 3 || performance.now() - start < budget * 1000)) {
    const t0 = performance.now();
    await run();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

export async function benchCase(gpu: Gpu, c: BenchCase, withReference: boolean): Promise<Timing[]> {
  if (c.step) {
    const timings = [{ impl: 'twin', seconds: await timeIt(c.step(await openBackend('webgpu')), 2) }];
    if (withReference) timings.push({ impl: 'reference', seconds: await timeIt(c.step(await openBackend('reference')), 2, 5) });
    return timings;
  }
  const row = findRow(c.op);
  const hostInputs = c.inputs!(1);
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
      await gpu.idle();
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
      const seconds = await timeIt(
        async () => {
          const out = c.tfjs!(tfInputs);
          await out.data();
          out.dispose();
        },
        1,
        5,
      );
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
