import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import type { Tensor } from '../../reference/tensor';

/**
 * Writes images (N, C, H, W), C = 1 (grey) or 3 (RGB), as one PNG: a grid of `cols` columns with
 * a 1-pixel black gap. Pixel values map linearly from `range` to 0…255 and are clipped; without a
 * range each image is stretched from its own minimum to its maximum (saliency maps, gradients).
 * Creates the folder and returns the path.
 */
export function writeImageGrid(file: string, images: Tensor, options: { cols?: number; range?: [number, number] } = {}): string {
  if (images.shape.length !== 4 || (images.shape[1] !== 1 && images.shape[1] !== 3)) {
    throw new Error(`writeImageGrid: images must be (N, 1 or 3, H, W), got (${images.shape.join(', ')})`);
  }
  const [N, C, H, W] = images.shape;
  const cols = Math.min(options.cols ?? Math.ceil(Math.sqrt(N)), N);
  const rows = Math.ceil(N / cols);
  const png = new PNG({ width: cols * (W + 1) + 1, height: rows * (H + 1) + 1 });
  png.data.fill(0);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  const size = C * H * W;
  for (let n = 0; n < N; n++) {
    const image = images.data.subarray(n * size, (n + 1) * size);
    let [lo, hi] = options.range ?? [Math.min(...image), Math.max(...image)];
    if (hi <= lo) hi = lo + 1;
    const top = Math.floor(n / cols) * (H + 1) + 1;
    const left = (n % cols) * (W + 1) + 1;
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        const pixel = ((top + h) * png.width + left + w) * 4;
        for (let k = 0; k < 3; k++) {
          const v = image[(C === 1 ? 0 : k) * H * W + h * W + w];
          png.data[pixel + k] = Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo))));
        }
      }
    }
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, PNG.sync.write(png));
  return file;
}
