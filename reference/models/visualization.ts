import { conv2dForward } from '../conv2d';
import { makeRng, randnTensor } from '../rng';
import { reshape, tensor, type Tensor } from '../tensor';
import type { Backend, Model } from './backend';

/**
 * cs231n's NetworkVisualization on a trained classifier whose Model has `inputGradient` (test
 * mode): saliency maps, fooling images and class visualization. The loops are written once over a
 * backend's VisualOps (below: the float64 reference; accelerated/models/visualization.ts: the
 * device twins, where images and gradients stay on the device and only scores are read back).
 *
 *   saliency[n, h, w]  = max_c |∂s_{y_n}/∂X[n, c, h, w]|              (s = scores(X), one sample each)
 *   fooling step       X_n ← X_n + lr·g_n / ‖g_n‖,  g_n = ∂s_{t_n}/∂X_n   while argmax s(X_n) ≠ t_n
 *   class visual. step X_n ← X_n + lr·g_n / ‖g_n‖,  g_n = ∂(s_{c_n} − reg·‖X_n‖²)/∂X_n = ∂s_{c_n}/∂X_n − 2·reg·X_n,
 *                      from small noise, with the image rolled by a random jitter before each step
 *                      and rolled back after, and blurred every blur_every steps (cs231n's jitter
 *                      and blur; the blur is conv2d with a fixed 3×3 binomial kernel per channel).
 */
export interface VisualOps<T> {
  backend: Backend<T>;
  /** (N, C) rows one-hot at classes[n]: the upstream gradient that picks s_{classes[n]}. */
  oneHot(like: T, classes: readonly number[], C: number): T;
  /** (N, H, W): max over channels of |dX| for dX (N, C·H·W) viewed as (N, C, H, W). */
  saliency(dX: T, image: readonly [number, number, number]): T;
  /**
   * X + lr·g/‖g‖ per row with g = dX − 2·reg·X; with `stop` (scores and targets), rows whose
   * scores' arg-max (first maximum) already is their target stay as they are.
   */
  ascend(X: T, dX: T, lr: number, reg: number, stop?: { scores: T; target: T }): T;
  /** Each image of X (N, C·H·W) rolled by (dy, dx) with wrap-around: out[h, w] = X[h − dy, w − dx]. */
  roll(X: T, image: readonly [number, number, number], dy: number, dx: number): T;
  /** Each channel of each image blurred by the 3×3 binomial kernel (conv2d, zero padding). */
  blur(X: T, image: readonly [number, number, number]): T;
}

/** The predicted class of each row of scores (N, C): the column of its first maximum. */
export function predictions(scores: Tensor): number[] {
  const [N, C] = scores.shape;
  return Array.from({ length: N }, (_, n) => {
    let best = 0;
    for (let c = 1; c < C; c++) if (scores.data[n * C + c] > scores.data[n * C + best]) best = c;
    return best;
  });
}

/** ∂s_{y_n}/∂X_n for every row: one backward of the classifier from the one-hot dscores. */
function classGradient<T>(model: Model<T>, params: Record<string, T>, X: T, dscores: T): T {
  if (!model.inputGradient) throw new Error('visualization: the model has no inputGradient (dL/dX), which saliency, fooling and class visualization need');
  return model.inputGradient(params, X, dscores);
}

/** Saliency maps (N, H, W) of rows X (N, C·H·W) for their labels y, read back. */
export async function saliencyMaps<T>(
  v: VisualOps<T>,
  model: Model<T>,
  params: Record<string, T>,
  X: T,
  y: readonly number[],
  classes: number,
  image: readonly [number, number, number],
): Promise<Tensor> {
  return v.backend.scope(() => v.backend.read(v.saliency(classGradient(model, params, X, v.oneHot(X, y, classes)), image)));
}

export interface FoolingResult {
  /** The fooled images (N, D), read back. */
  images: Tensor;
  /** Predicted class of each final image. */
  predicted: number[];
  /** Steps taken until every row predicted its target (or maxSteps). */
  steps: number;
}

/**
 * Fooling images: normalized gradient ascent on each row's target score until every row is
 * classified as its target, at most maxSteps steps; a row stops moving once it is fooled.
 * Reads back one accuracy per step (the fraction fooled) and the final scores.
 */
export async function foolingImages<T>(
  v: VisualOps<T>,
  model: Model<T>,
  params: Record<string, T>,
  X: Tensor,
  targets: readonly number[],
  classes: number,
  config: { lr: number; maxSteps: number },
  onStep?: (step: number, fooled: number) => void,
): Promise<FoolingResult> {
  const { backend } = v;
  return backend.scope(async () => {
    let x = backend.upload(X);
    const target = backend.upload(tensor([targets.length], targets), 'i32');
    const dscores = v.oneHot(x, targets, classes);
    for (let steps = 0; ; steps++) {
      const step = await backend.scope(async () => {
        const scores = model.scores(params, x);
        const fooled = await backend.accuracy(scores, target);
        onStep?.(steps, fooled);
        if (fooled === 1 || steps === config.maxSteps)
          return { result: { images: await v.backend.read(x), predicted: predictions(await v.backend.read(scores)), steps } };
        return { next: v.ascend(x, classGradient(model, params, x, dscores), config.lr, 0, { scores, target }) };
      });
      if (step.result) return step.result;
      // A long loop: each replaced image goes now (the outer scope would free them all only at the end).
      backend.release(x);
      x = step.next!;
    }
  });
}

export interface ClassVisualizationConfig {
  steps: number;
  lr: number;
  reg: number;
  /** Largest jitter shift in pixels (0: none). */
  jitter: number;
  /** Standard deviation of the starting noise. */
  init_scale: number;
  /** Blur the images every blur_every steps (0: never). */
  blur_every: number;
  seed: number;
}

/**
 * One image per class in `classes`, grown from seeded noise by normalized gradient ascent on
 * s_c − reg·‖X‖² with jitter. Returns the images and their final scores, read back.
 */
export async function classVisualization<T>(
  v: VisualOps<T>,
  model: Model<T>,
  params: Record<string, T>,
  classes: readonly number[],
  numClasses: number,
  image: readonly [number, number, number],
  config: ClassVisualizationConfig,
  onStep?: (step: number) => void,
): Promise<{ images: Tensor; scores: Tensor }> {
  const { backend } = v;
  const rng = makeRng(`class-visualization:${config.seed}`);
  const D = image[0] * image[1] * image[2];
  return backend.scope(async () => {
    let x = backend.upload(randnTensor([classes.length, D], rng, config.init_scale));
    const dscores = v.oneHot(x, classes, numClasses);
    const shift = () => Math.floor(rng() * (2 * config.jitter + 1)) - config.jitter;
    for (let step = 1; step <= config.steps; step++) {
      const [dy, dx] = [shift(), shift()];
      const next = backend.scope(() => {
        const rolled = v.roll(x, image, dy, dx);
        const moved = v.ascend(rolled, classGradient(model, params, rolled, dscores), config.lr, config.reg);
        const back = v.roll(moved, image, -dy, -dx);
        return config.blur_every > 0 && step % config.blur_every === 0 ? v.blur(back, image) : back;
      });
      // A long loop: each replaced image goes now (the outer scope would free them all only at the end).
      backend.release(x);
      x = next;
      onStep?.(step);
    }
    return { images: await v.backend.read(x), scores: await v.backend.read(model.scores(params, x)) };
  });
}

/** (N, C) one-hot rows. */
export function oneHot(classes: readonly number[], C: number): Tensor {
  const out = tensor([classes.length, C]);
  classes.forEach((c, n) => {
    out.data[n * C + c] = 1;
  });
  return out;
}

/** max_c |dX[n, c, h, w]| → (N, H, W). */
export function saliency(dX: Tensor, [C, H, W]: readonly [number, number, number]): Tensor {
  const N = dX.shape[0];
  requireRows('saliency', 'dX', dX, C * H * W);
  const out = tensor([N, H, W]);
  for (let n = 0; n < N; n++) {
    for (let p = 0; p < H * W; p++) {
      let m = 0;
      for (let c = 0; c < C; c++) m = Math.max(m, Math.abs(dX.data[(n * C + c) * H * W + p]));
      out.data[n * H * W + p] = m;
    }
  }
  return out;
}

/** X_n + lr·g_n/‖g_n‖, g = dX − 2·reg·X, skipping rows already predicting their target. */
export function ascend(X: Tensor, dX: Tensor, lr: number, reg: number, stop?: { scores: Tensor; target: Tensor }): Tensor {
  const [N] = X.shape;
  const D = X.data.length / N;
  requireRows('ascend', 'dX', dX, D, N);
  const done = stop ? predictions(stop.scores).map((p, n) => p === stop.target.data[n]) : [];
  const out = tensor(X.shape, X.data);
  for (let n = 0; n < N; n++) {
    if (done[n]) continue;
    const g = Array.from({ length: D }, (_, d) => dX.data[n * D + d] - 2 * reg * X.data[n * D + d]);
    const norm = Math.sqrt(g.reduce((a, v) => a + v * v, 0));
    if (norm > 0)
      g.forEach((v, d) => {
        out.data[n * D + d] += (lr * v) / norm;
      });
  }
  return out;
}

/** Every image rolled by (dy, dx) with wrap-around. */
export function roll(X: Tensor, [C, H, W]: readonly [number, number, number], dy: number, dx: number): Tensor {
  requireRows('roll', 'X', X, C * H * W);
  const out = tensor(X.shape);
  const planes = X.data.length / (H * W);
  const wrap = (i: number, n: number) => ((i % n) + n) % n;
  for (let p = 0; p < planes; p++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) out.data[(p * H + h) * W + w] = X.data[(p * H + wrap(h - dy, H)) * W + wrap(w - dx, W)];
    }
  }
  return out;
}

/** The blur's conv2d weights (C, 1, 3, 3) (one group per channel) and zero biases: [1 2 1]ᵀ[1 2 1] / 16. */
export function blurKernel(C: number): { w: Tensor; b: Tensor } {
  const taps = [1, 2, 1, 2, 4, 2, 1, 2, 1].map((t) => t / 16);
  return {
    w: tensor(
      [C, 1, 3, 3],
      Array.from({ length: C * 9 }, (_, i) => taps[i % 9]),
    ),
    b: tensor([C]),
  };
}

/** Every channel of every image blurred: conv2d (groups = C, pad 1) with blurKernel. */
export function blur(X: Tensor, [C, H, W]: readonly [number, number, number]): Tensor {
  requireRows('blur', 'X', X, C * H * W);
  const { w, b } = blurKernel(C);
  return reshape(conv2dForward(reshape(X, [X.shape[0], C, H, W]), w, b, { pad: 1, groups: C }).out, X.shape);
}

/** t must be (N, D) with D = C·H·W (and N rows when given). */
export function requireRows(op: string, name: string, t: { shape: readonly number[] }, D: number, N?: number): void {
  const ok = t.shape.length === 2 && t.shape[1] === D && (N === undefined || t.shape[0] === N);
  if (!ok) throw new Error(`${op}: ${name} must be (${N ?? 'N'}, ${D}) rows of images, got (${t.shape.join(', ')})`);
}

/** The float64 VisualOps. */
export function referenceVisualOps(backend: Backend<Tensor>): VisualOps<Tensor> {
  return {
    backend,
    oneHot: (_, classes, C) => oneHot(classes, C),
    saliency,
    ascend,
    roll,
    blur,
  };
}
