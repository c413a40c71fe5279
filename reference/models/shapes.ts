import { hyper } from '../hyperparams';
import { makeRng, type Rng } from '../rng';
import { tensor, type Tensor } from '../tensor';

/**
 * The synthetic detection set of the detector (fixtures/e2e/detector.json, "data"): grey 1×S×S
 * images, background 0, holding 1 … max_objects filled shapes of 3 classes, each of intensity
 * U[0.5, 1) inside a square box of side U{min_size … max_size} pixels at a uniform integer position.
 * Boxes are (x1, y1, x2, y2) in pixel-edge coordinates: the shape covers pixel columns x1 … x2 − 1
 * and rows y1 … y2 − 1 and touches all four sides of its box. Boxes are drawn again until they
 * keep a gap of at least one pixel from every box placed before (at most 100 tries, then the image
 * has fewer objects), so shapes never touch and each one's pixels are exactly its box's extent.
 *
 * A pixel (row r, column c) of a box at (x1, y1) of side s, with (u, v) = ((c − x1 + ½)/s,
 * (r − y1 + ½)/s) its center in box units and b = (r − y1 + 1)/s the bottom edge of its row, is drawn when
 *   square    always
 *   circle    (u − ½)² + (v − ½)² ≤ ¼   (center within the inscribed circle)
 *   triangle  |u − ½| ≤ b/2             (apex up at the top row's middle, base the box's bottom row)
 *
 * Every draw comes from makeRng(`shapes:<seed>`) in a fixed order (per image: the object count,
 * then per object side, x1, y1, class, intensity), so a seed gives the same set on every machine.
 * Train and held-out sets use different seeds.
 */
export const SHAPE_CLASSES = ['square', 'circle', 'triangle'] as const;

export interface ShapesConfig {
  /** Number of images. */
  count: number;
  /** Canvas side S. */
  canvas: number;
  min_size: number;
  max_size: number;
  max_objects: number;
  seed: number;
}

export interface ShapeObject {
  /** Index into SHAPE_CLASSES. */
  cls: number;
  box: [number, number, number, number];
}

export interface ShapesSet {
  /** (N, 1, S, S), values in [0, 1). */
  images: Tensor;
  objects: ShapeObject[][];
}

/** Checks the config (clear errors naming the field); returns it. */
export function validateShapesConfig(config: ShapesConfig): ShapesConfig {
  const op = 'shapes';
  hyper(op, config, 'count', undefined, { min: 1, integer: true });
  const canvas = hyper(op, config, 'canvas', undefined, { min: 2, integer: true });
  const min = hyper(op, config, 'min_size', undefined, { min: 1, max: canvas, integer: true });
  hyper(op, config, 'max_size', undefined, { min, max: canvas, integer: true });
  hyper(op, config, 'max_objects', undefined, { min: 1, integer: true });
  hyper(op, config, 'seed', undefined, { min: 0, integer: true });
  return config;
}

/** Whether the shape of class `cls` covers pixel (r, c) of the box at (x1, y1) of side s. */
export function covers(cls: number, s: number, x1: number, y1: number, r: number, c: number): boolean {
  const [u, v, b] = [(c - x1 + 0.5) / s, (r - y1 + 0.5) / s, (r - y1 + 1) / s];
  switch (SHAPE_CLASSES[cls]) {
    case 'square':
      return true;
    case 'circle':
      return (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25;
    case 'triangle':
      return Math.abs(u - 0.5) <= b / 2;
    default:
      throw new Error(`shapes: cls: expected 0 … ${SHAPE_CLASSES.length - 1}, got ${cls}`);
  }
}

const uniformInt = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

/** Whether two boxes come closer than one pixel (touching or overlapping). */
const tooClose = (a: readonly number[], b: readonly number[]): boolean => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

export function generateShapes(config: ShapesConfig): ShapesSet {
  const { count, canvas: S, min_size, max_size, max_objects, seed } = validateShapesConfig(config);
  const rng = makeRng(`shapes:${seed}`);
  const images = tensor([count, 1, S, S]);
  const objects: ShapeObject[][] = [];
  for (let n = 0; n < count; n++) {
    const wanted = uniformInt(rng, 1, max_objects);
    const placed: ShapeObject[] = [];
    for (let tries = 0; placed.length < wanted && tries < 100; tries++) {
      const s = uniformInt(rng, min_size, max_size);
      const [x1, y1] = [uniformInt(rng, 0, S - s), uniformInt(rng, 0, S - s)];
      const [cls, intensity] = [uniformInt(rng, 0, SHAPE_CLASSES.length - 1), 0.5 + 0.5 * rng()];
      const box: ShapeObject['box'] = [x1, y1, x1 + s, y1 + s];
      if (placed.some((o) => tooClose(o.box, box))) continue;
      placed.push({ cls, box });
      for (let r = y1; r < y1 + s; r++) {
        for (let c = x1; c < x1 + s; c++) if (covers(cls, s, x1, y1, r, c)) images.data[(n * S + r) * S + c] = intensity;
      }
    }
    objects.push(placed);
  }
  return { images, objects };
}

/** The ground truth of mean_average_precision: rows [image, class, x1, y1, x2, y2], images numbered from 0. */
export function groundTruthRows(objects: readonly ShapeObject[][]): Tensor {
  const rows = objects.flatMap((list, image) => list.map((o) => [image, o.cls, ...o.box]));
  return tensor([rows.length, 6], rows.flat());
}
