import { tensor, type Tensor } from '../tensor';
import type { GanModel } from './gan';
import { firstRows, mean, type GenerativeBackend, type GenerativeData, type Shaped } from './generative_training';

/**
 * How good a GAN's samples are (gan.ts trainGan), from a fixed set of latent codes z: the RMSE
 * between the samples' mean image and the test rows' mean image (pixels in [0, 1]), and the mean
 * Euclidean distance from a sample to its nearest training image divided by that of a test image
 * to its nearest training image (≈ 1 when samples sit as close to the data as unseen digits do).
 */
export class SampleStats<T extends Shaped> {
  private readonly train: T;
  private readonly trainLabels: T;
  private readonly testMean: Float64Array;
  private testNearest?: number;

  constructor(
    private readonly on: GenerativeBackend<T>,
    private readonly data: GenerativeData,
    /** The latent codes; the caller frees them. */
    readonly z: T,
  ) {
    this.train = on.backend.upload(data.train.X);
    this.trainLabels = on.backend.upload(data.train.y, 'i32');
    this.testMean = columnMeans(data.test.X);
  }

  /** The statistics of generate(z), images in [−1, 1]. */
  async measure(generate: (z: T) => T): Promise<{ meanImageRmse: number; nearestRatio: number }> {
    const host = await this.on.backend.scope(() => this.on.backend.read(generate(this.z)));
    const images = tensor(
      host.shape,
      host.data.map((v) => (v + 1) / 2),
    );
    const sampleMean = columnMeans(images);
    const meanImageRmse = Math.sqrt(mean(Array.from(sampleMean, (v, d) => (v - this.testMean[d]) ** 2)));
    this.testNearest ??= await this.nearest(firstRows(this.data.test.X, images.shape[0]));
    return { meanImageRmse, nearestRatio: (await this.nearest(images)) / this.testNearest };
  }

  release(): void {
    this.on.backend.release(this.train, this.trainLabels);
  }

  /** Mean over the rows of X of the distance to the nearest training row. */
  private async nearest(X: Tensor): Promise<number> {
    const dists = await this.on.backend.scope(() => this.on.distances(this.train, this.trainLabels, this.on.backend.upload(X)));
    const [N, M] = dists.shape;
    let sum = 0;
    for (let i = 0; i < N; i++) {
      let best = Infinity;
      for (let j = 0; j < M; j++) best = Math.min(best, dists.data[i * M + j]);
      sum += best;
    }
    return sum / N;
  }
}

function columnMeans(X: Tensor): Float64Array {
  const [N, D] = X.shape;
  const out = new Float64Array(D);
  for (let i = 0; i < N * D; i++) out[i % D] += X.data[i] / N;
  return out;
}

/** The discriminator's accuracy on real images (N, 784) in [−1, 1] and on G(z) (fake), threshold logit 0. */
export async function discriminatorAccuracy<T extends Shaped>(
  on: GenerativeBackend<T>,
  model: GanModel<T>,
  G: Record<string, T>,
  D: Record<string, T>,
  real: Tensor,
  z: T,
): Promise<{ real: number; fake: number }> {
  const [r, f] = await on.backend.scope(async () => {
    const { logitsReal, logitsFake } = model.discriminatorLoss(G, D, on.backend.upload(real), z);
    return [await on.backend.read(logitsReal), await on.backend.read(logitsFake)];
  });
  return { real: mean(Array.from(r.data, (v) => (v > 0 ? 1 : 0))), fake: mean(Array.from(f.data, (v) => (v < 0 ? 1 : 0))) };
}
