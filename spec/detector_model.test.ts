import { afterAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../reference/models/backend';
import { release, upload } from '../accelerated/runtime/buffers';
import { getGpu, releaseGpu } from '../accelerated/runtime/device';
import { webgpuDetector } from '../accelerated/models/detector';
import {
  anchorRowsBackward,
  anchorRowsForward,
  detections,
  detectionTargets,
  detectorAnchors,
  initDetector,
  matchAnchors,
  readDetectorFixture,
  referenceDetector,
  type DetectorHyper,
} from '../reference/models/detector';
import { meanAveragePrecisionForward } from '../reference/mean_average_precision';
import { generateShapes, groundTruthRows, SHAPE_CLASSES, type ShapesConfig } from '../reference/models/shapes';
import { makeRng, randnTensor } from '../reference/rng';
import { tensor, type Tensor } from '../reference/tensor';
import { trainDetector, type DetectorTrainResult } from '../scripts/tasks/detection';
import { modelGradcheck } from './harness/gradcheck';
import { GRADCHECK_THRESHOLD } from './harness/tolerance';

/**
 * The detector on synthetic shapes in the small: the generator is deterministic and its boxes are
 * exactly the drawn pixels, anchor matching follows its rules on a hand-made case, the full loss
 * (classification + smooth L1) passes a float64 gradient check of every parameter with the
 * matching fixed, and short runs on both backends show the loss falling and the twin matching the
 * reference step by step. The full run with its mAP target is `npx gradcheck train detector`.
 */
afterAll(releaseGpu);

/** The shapes seed of the gradient check's instance. */
const GRADCHECK_SEED = 1;

const SMALL: ShapesConfig = { count: 40, canvas: 32, min_size: 8, max_size: 16, max_objects: 3, seed: 5 };

/** Pixel (r, c) of image n of a (N, 1, S, S) tensor. */
const pixel = (images: Tensor, n: number, r: number, c: number) => images.data[(n * images.shape[2] + r) * images.shape[3] + c];

describe('synthetic shapes', () => {
  const set = generateShapes(SMALL);

  it('is a function of its seed', () => {
    const again = generateShapes(SMALL);
    expect(again.objects).toEqual(set.objects);
    expect(Array.from(again.images.data)).toEqual(Array.from(set.images.data));
    expect(generateShapes({ ...SMALL, seed: 6 }).objects).not.toEqual(set.objects);
    const { train, test } = readDetectorFixture().data;
    expect(train.seed).not.toBe(test.seed);
  });

  it('places 1 … max_objects boxes of the allowed sizes inside the canvas, one pixel apart at least', () => {
    for (const list of set.objects) {
      expect(list.length).toBeGreaterThanOrEqual(1);
      expect(list.length).toBeLessThanOrEqual(SMALL.max_objects);
      for (const {
        cls,
        box: [x1, y1, x2, y2],
      } of list) {
        expect(cls).toBeGreaterThanOrEqual(0);
        expect(cls).toBeLessThan(SHAPE_CLASSES.length);
        expect(Math.min(x1, y1)).toBeGreaterThanOrEqual(0);
        expect(Math.max(x2, y2)).toBeLessThanOrEqual(SMALL.canvas);
        expect(x2 - x1).toBe(y2 - y1);
        expect(x2 - x1).toBeGreaterThanOrEqual(SMALL.min_size);
        expect(x2 - x1).toBeLessThanOrEqual(SMALL.max_size);
      }
      for (const [i, a] of list.entries()) {
        for (const b of list.slice(i + 1)) {
          const apart = a.box[0] > b.box[2] || b.box[0] > a.box[2] || a.box[1] > b.box[3] || b.box[1] > a.box[3];
          expect(apart, `${a.box} vs ${b.box}`).toBe(true);
        }
      }
    }
    const counts = new Set(set.objects.map((l) => l.length));
    expect(counts.size).toBeGreaterThan(1);
    expect(new Set(set.objects.flat().map((o) => o.cls)).size).toBe(SHAPE_CLASSES.length);
  });

  it('draws each shape so that its lit pixels span exactly its box, and nothing outside the boxes', () => {
    const S = SMALL.canvas;
    set.objects.forEach((list, n) => {
      for (let r = 0; r < S; r++) {
        for (let c = 0; c < S; c++) {
          const inside = list.some(({ box }) => c >= box[0] && c < box[2] && r >= box[1] && r < box[3]);
          if (!inside) expect(pixel(set.images, n, r, c), `image ${n} (${r}, ${c})`).toBe(0);
        }
      }
      for (const {
        cls,
        box: [x1, y1, x2, y2],
      } of list) {
        const lit: Array<[number, number]> = [];
        for (let r = y1; r < y2; r++) for (let c = x1; c < x2; c++) if (pixel(set.images, n, r, c) > 0) lit.push([r, c]);
        const rows = lit.map(([r]) => r);
        const cols = lit.map(([, c]) => c);
        expect([Math.min(...cols), Math.min(...rows), Math.max(...cols) + 1, Math.max(...rows) + 1]).toEqual([x1, y1, x2, y2]);
        const values = new Set(lit.map(([r, c]) => pixel(set.images, n, r, c)));
        expect(values.size).toBe(1);
        const [value] = values;
        expect(value).toBeGreaterThanOrEqual(0.5);
        expect(value).toBeLessThan(1);
        // The class shows: a square fills its box, a circle leaves its corners dark, a triangle
        // (apex up) lights its whole bottom row but at most two pixels of its top row.
        const s = x2 - x1;
        const area = lit.length / (s * s);
        const topRow = lit.filter(([r]) => r === y1).length;
        const bottomRow = lit.filter(([r]) => r === y2 - 1).length;
        if (SHAPE_CLASSES[cls] === 'square') expect(area).toBe(1);
        if (SHAPE_CLASSES[cls] === 'circle') {
          expect(pixel(set.images, n, y1, x1)).toBe(0);
          expect(area).toBeGreaterThan(0.6);
          expect(area).toBeLessThan(0.9);
        }
        if (SHAPE_CLASSES[cls] === 'triangle') {
          expect(bottomRow).toBe(s);
          expect(topRow).toBeLessThanOrEqual(2);
        }
      }
    });
  });
});

describe('bad configurations', () => {
  it('name the field, what it expects and what it got', () => {
    expect(() => generateShapes({ ...SMALL, max_size: 40 })).toThrow('shapes: max_size: expected an integer ≥ 8 and ≤ 32, got 40');
    expect(() => generateShapes({ ...SMALL, count: 0 })).toThrow('shapes: count: expected an integer ≥ 1, got 0');
    const { hyper, anchors } = readDetectorFixture();
    expect(() => initDetector({ ...hyper, head_kernel: 2 }, anchors, 0)).toThrow('detector: head_kernel: expected an odd integer, got 2');
    expect(() => referenceDetector({ ...hyper, pos_iou: 0.2 }, anchors)).toThrow(`detector: pos_iou: expected a number ≥ ${hyper.neg_iou} and ≤ 1, got 0.2`);
    expect(() => detectorAnchors(30, anchors)).toThrow('detector: canvas: expected a positive multiple of 4, got 30');
  });
});

describe('anchor matching', () => {
  // Three anchors: one equal to the box, one overlapping it by IoU 1/3, one far away.
  const anchors = tensor([3, 4], [10, 10, 20, 20, 15, 10, 25, 20, 0, 0, 4, 4]);
  const box: [number, number, number, number] = [10, 10, 20, 20];

  it('labels an anchor positive (class + 1, encoded offsets), ignored or background by its best IoU', () => {
    const m = matchAnchors(anchors, [{ cls: 2, box }], { pos_iou: 0.5, neg_iou: 0.3 });
    expect(m.labels).toEqual([3, 0, 0]);
    expect(m.mask).toEqual([1, 0, 1]);
    expect(m.deltas).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("makes each box's best anchor positive even below pos_iou, with box_encode's offsets", () => {
    const m = matchAnchors(tensor([2, 4], anchors.data.subarray(4)), [{ cls: 0, box }], { pos_iou: 0.5, neg_iou: 0.3 });
    expect(m.labels).toEqual([1, 0]);
    expect(m.mask).toEqual([1, 1]);
    // box center 15 vs anchor center 20, both of width 10: tx = −0.5, ty = 0, tw = th = log 1 = 0
    expect(m.deltas.slice(0, 4)).toEqual([-0.5, 0, 0, 0]);
  });
});

describe('matching, encoding and inference round trip', () => {
  it('head outputs equal to the targets decode, through NMS, to exactly the ground truth: mAP 1', () => {
    const { data, hyper, anchors: anchorConfig } = readDetectorFixture();
    const set = generateShapes({ ...SMALL, count: 12 });
    const anchors = detectorAnchors(data.canvas, anchorConfig);
    const targets = detectionTargets(anchors, set.objects, hyper);
    const [N, T] = targets.labels.shape;
    // logits 8 for each anchor's label (background where ignored), 0 elsewhere; offsets = targets
    const cls = tensor([N, T, SHAPE_CLASSES.length + 1]);
    targets.labels.data.forEach((label, r) => {
      cls.data[r * (SHAPE_CLASSES.length + 1) + label] = 8;
    });
    const found = detections(cls, targets.deltas, anchors, data.canvas, 0, hyper);
    const truth = groundTruthRows(set.objects);
    expect(found.shape[0]).toBe(truth.shape[0]);
    /** 'image,class,x1,y1,x2,y2' per row (boxes to 1e-9 pixels: encode–decode round-off), sorted. */
    const key = (rows: Tensor, boxAt: number) =>
      Array.from({ length: rows.shape[0] }, (_, r) => {
        const row = rows.data.subarray(r * rows.shape[1], (r + 1) * rows.shape[1]);
        return [row[0], row[1], ...Array.from(row.subarray(boxAt, boxAt + 4), (v) => Math.round(v * 1e9) / 1e9)].join(',');
      }).sort();
    expect(key(found, 3)).toEqual(key(truth, 2));
    expect(meanAveragePrecisionForward(found, truth).map.data[0]).toBe(1);
  });
});

describe('anchor rows', () => {
  it('reorders (N, A·K, H, W) to one row per anchor in the anchors order, and back', () => {
    const [N, A, K, H, W] = [2, 2, 3, 2, 3];
    const x = randnTensor([N, A * K, H, W], makeRng('anchor-rows'));
    const { out, cache } = anchorRowsForward(x, A);
    expect(out.shape).toEqual([N, H * W * A, K]);
    // row (y·W + x)·A + a of image n holds channel a·K + k at (y, x)
    const [n, y, xx, a, k] = [1, 1, 2, 1, 2];
    expect(out.data[(n * H * W * A + (y * W + xx) * A + a) * K + k]).toBe(x.data[(((n * A + a) * K + k) * H + y) * W + xx]);
    expect(Array.from(anchorRowsBackward(out, cache).dx.data)).toEqual(Array.from(x.data));
  });
});

describe('full-loss gradient check (float64, tiny instance, matching fixed)', () => {
  // An 8×8 canvas (a 2×2 feature map, 2 anchors per cell: 8 anchors per image) keeps the loss
  // small: modelGradcheck compares against difference quotients without a round-off floor, and a
  // loss L carries about ε·L/h of round-off into them, which a gradient entry near 1e-5 (there
  // are such entries in larger instances) cannot absorb within 1e-7.
  const hyper: DetectorHyper = {
    c1: 2,
    c2: 3,
    c3: 3,
    head_kernel: 3,
    pos_iou: 0.5,
    neg_iou: 0.3,
    box_weight: 2,
    beta: 1,
    score_threshold: 0.05,
    nms_iou: 0.3,
    prior: 0.1,
  };
  const anchorConfig = { scales: [3, 5], ratios: [1] };
  const set = generateShapes({ count: 2, canvas: 8, min_size: 3, max_size: 4, max_objects: 2, seed: GRADCHECK_SEED });
  const rng = makeRng('detector-gradcheck');
  // Noise on the images and on the biases keeps every relu input and max-pool window off its kink.
  const noise = randnTensor(set.images.shape, rng, 0.1);
  const X = tensor(
    set.images.shape,
    set.images.data.map((v, i) => v + noise.data[i]),
  );
  const params = Object.fromEntries(
    Object.entries(initDetector(hyper, anchorConfig, 1)).map(([k, t]) => [
      k,
      k.startsWith('b')
        ? tensor(
            t.shape,
            t.data.map((v) => v + 0.3 * randnTensor([1], rng).data[0]),
          )
        : t,
    ]),
  );
  const targets = detectionTargets(detectorAnchors(8, anchorConfig), set.objects, hyper);

  it('the fixed targets hold positive, background and ignored anchors', () => {
    expect(targets.labels.shape).toEqual([2, 8]);
    expect(targets.labels.data.some((l) => l > 0)).toBe(true);
    expect(targets.labels.data.some((l, i) => l === 0 && targets.mask.data[i] === 1)).toBe(true);
    expect(targets.mask.data.some((m) => m === 0)).toBe(true);
  });

  it("every parameter's gradient of classification + box loss matches centered differences", () => {
    const model = referenceDetector(hyper, anchorConfig);
    const errors = modelGradcheck((p) => model.loss(p, X, targets), params);
    expect(Object.keys(errors).sort()).toEqual(Object.keys(params).sort());
    for (const [param, e] of Object.entries(errors)) expect(e, `d${param}`).toBeLessThan(GRADCHECK_THRESHOLD);
  });
});

describe('short runs (both backends)', () => {
  const SHORT = { counts: { train: 24, test: 8 }, solver: { num_epochs: 2, batch_size: 8 } };
  const runs = new Map<string, Promise<DetectorTrainResult>>();
  const run = (backend: BackendName) => {
    if (!runs.has(backend)) runs.set(backend, trainDetector({ backend, ...SHORT }));
    return runs.get(backend)!;
  };

  it('the loss falls, the params keep their shapes and detections come as mAP rows (reference)', async () => {
    const r = await run('reference');
    expect(r.lossHistory).toHaveLength(6);
    expect(r.lossHistory[5]).toBeLessThan(r.lossHistory[0]);
    const { hyper, anchors } = readDetectorFixture();
    const init = initDetector(hyper, anchors, 0);
    expect(Object.fromEntries(Object.entries(r.params).map(([k, t]) => [k, t.shape]))).toEqual(
      Object.fromEntries(Object.entries(init).map(([k, t]) => [k, t.shape])),
    );
    expect(r.detections.shape[1]).toBe(7);
    expect(r.map).toBeGreaterThanOrEqual(0);
    expect(r.map).toBeLessThanOrEqual(1);
  });

  // float32 against float64 through ~10 layers and sums over thousands of anchor terms: losses
  // within 1e-5 relative (measured: ≤ 1e-6), params within 1e-4 after 6 Adam steps (measured:
  // ≤ 1e-6), well below one Adam step of lr = 3e-3, so a wrong gradient anywhere would show.
  it('the twin model agrees with the reference on the first steps', async () => {
    const [ref, twin] = [await run('reference'), await run('webgpu')];
    ref.lossHistory.forEach((loss, i) => expect(Math.abs(twin.lossHistory[i] - loss), `loss of step ${i + 1}`).toBeLessThan(1e-5 * (1 + loss)));
    for (const [name, p] of Object.entries(ref.params)) {
      const worst = Math.max(...p.data.map((v, i) => Math.abs(v - twin.params[name].data[i])));
      expect(worst, name).toBeLessThan(1e-4);
    }
    expect(twin.detections.shape).toEqual(ref.detections.shape);
    expect(twin.map).toBeCloseTo(ref.map, 6);
  });

  it("the twin's detections (softmax, box_decode, clipping, batched_nms) match the reference's on the same params", async () => {
    const { params } = await run('reference');
    const { data, hyper, anchors } = readDetectorFixture();
    const { train: _train, test: testSpec, ...shape } = data;
    const { images } = generateShapes({ ...shape, ...testSpec, count: 8 });
    // every candidate above 0.01 (the short run's foreground scores are still small)
    const loose = { ...hyper, score_threshold: 0.01 };
    const expected = await referenceDetector(loose, anchors).detect(params, images, 3);
    const gpu = await getGpu();
    const onDevice = Object.fromEntries(Object.entries(params).map(([k, t]) => [k, upload(gpu, t)]));
    const X = upload(gpu, images);
    const actual = await webgpuDetector(loose, anchors).detect(onDevice, X, 3);
    release(X, ...Object.values(onDevice));
    expect(expected.shape[0]).toBeGreaterThan(8);
    expect(actual.shape).toEqual(expected.shape);
    for (let d = 0; d < expected.shape[0]; d++) {
      const [e, a] = [expected.data.subarray(7 * d, 7 * d + 7), actual.data.subarray(7 * d, 7 * d + 7)];
      expect([a[0], a[1]], `detection ${d}: image and class`).toEqual([e[0], e[1]]);
      expect(Math.abs(a[2] - e[2]), `detection ${d}: score`).toBeLessThan(1e-5);
      for (let j = 3; j < 7; j++) expect(Math.abs(a[j] - e[j]), `detection ${d}: box`).toBeLessThan(1e-4 * data.canvas);
    }
  });
});
