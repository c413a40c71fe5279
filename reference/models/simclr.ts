import { makeRng, randn, type Rng } from '../rng';
import { takeRows, tensor, type Tensor } from '../tensor';
import { initLayers, netForward, REFERENCE_OPS, upstream, type Layer, type ModelOps } from './generative_layers';
import { firstRows, readAll, trainWithAdam, uploadAll } from './generative_training';
import type { GenerativeBackend, GenerativeData, Shaped, TrainConfig, TrainOptions } from './generative_training';

/**
 * SimCLR (Chen et al. 2020; the EECS498 self-supervised assignment) on 28×28 digits: an MLP
 * encoder f and a projection head g trained with nt_xent on two augmented views of each image,
 *
 *   h = f(x) = relu(x·W_enc + b_enc)                  (the representation, probed after training)
 *   z = g(h) = relu(h·W_head1 + b_head1)·W_head2 + b_head2
 *   L = nt_xent([z(view₁); z(view₂)], τ)              (rows k and k + N are the two views of image k)
 *
 * Views (`augmentPairs`): each a random integer shift of up to `shift` pixels in each direction
 * (zero fill) plus Gaussian pixel noise of standard deviation `noise`, from a seeded generator.
 * Written once over ModelOps (generative_layers.ts): `simclrModel(REFERENCE_OPS, …)` composes the
 * reference ops, accelerated/models/simclr.ts the twins.
 */
export interface SimclrHyper {
  pixels: number;
  hidden: number;
  projection: number;
  tau: number;
}

export function simclrNets({ pixels, hidden, projection }: SimclrHyper): Record<'encoder' | 'head', Layer[]> {
  return {
    encoder: [{ kind: 'affine', name: 'enc', in: pixels, out: hidden }, { kind: 'relu' }],
    head: [{ kind: 'affine', name: 'head1', in: hidden, out: hidden }, { kind: 'relu' }, { kind: 'affine', name: 'head2', in: hidden, out: projection }],
  };
}

export function initSimclr(hyper: SimclrHyper, seed: number): Record<string, Tensor> {
  return initLayers(Object.values(simclrNets(hyper)).flat(), 'simclr', seed);
}

export interface SimclrModel<T> {
  /** L and d<param> for the views V (2N, pixels): rows k and k + N are views of one image. */
  loss(params: Record<string, T>, views: T): { loss: T; grads: Record<string, T> };
  /** The representation h = f(X) (N, hidden). */
  represent(params: Record<string, T>, X: T): T;
}

export function simclrModel<T extends { shape: readonly number[] }>(ops: ModelOps<T>, hyper: SimclrHyper): SimclrModel<T> {
  const nets = simclrNets(hyper);
  return {
    represent: (params, X) => ops.scope(() => netForward(ops, nets.encoder, params, X).out),
    loss: (params, views) =>
      ops.scope(() => {
        const projected = netForward(ops, [...nets.encoder, ...nets.head], params, views);
        const { loss, cache } = ops.ntXentForward(projected.out, { tau: hyper.tau });
        const { dz } = ops.ntXentBackward(upstream(ops, views), cache);
        return { loss, grads: projected.backward(dz).grads };
      }),
  };
}

export const simclr = (hyper: SimclrHyper): SimclrModel<Tensor> => simclrModel(REFERENCE_OPS, hyper);

/**
 * Two views of each row of X (N, side·side): rows k and k + N of the result. Each view shifts the
 * image by (dy, dx), integers uniform in [−shift, shift] (pixels moved in from outside are 0), and
 * adds noise·N(0, 1) to every pixel.
 */
export function augmentPairs(X: Tensor, side: number, rng: Rng, { shift, noise }: { shift: number; noise: number }): Tensor {
  const [N, D] = X.shape;
  if (D !== side * side) throw new Error(`augmentPairs: X must have side·side = ${side * side} columns, got ${D}`);
  const out = tensor([2 * N, D]);
  for (let v = 0; v < 2 * N; v++) {
    const source = v % N;
    const dy = Math.floor(rng() * (2 * shift + 1)) - shift;
    const dx = Math.floor(rng() * (2 * shift + 1)) - shift;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const [sr, sc] = [r - dy, c - dx];
        const inside = sr >= 0 && sr < side && sc >= 0 && sc < side;
        out.data[v * D + r * side + c] = (inside ? X.data[source * D + sr * side + sc] : 0) + noise * randn(rng);
      }
    }
  }
  return out;
}

/** The hyper-parameters of a SimCLR run: the model's, the views' augmentation, and the k of the kNN probe. */
export interface SimclrSetup {
  model: SimclrHyper;
  augment: { shift: number; noise: number };
  k: number;
}

export interface SimclrTraining {
  lossHistory: number[];
  epochLoss: number[];
  /** kNN test accuracy on the learned representation h, on h of the untrained encoder, and on raw pixels. */
  probe: { learned: number; untrained: number; pixels: number };
  /**
   * The same on test images shifted as the augmentation shifts them (one seeded view each, no
   * noise), the training images unshifted: how much of the augmentations' invariance each holds.
   */
  shiftedProbe: { learned: number; untrained: number; pixels: number };
  params: Record<string, Tensor>;
}

/** Trains SimCLR with Adam on views of the training rows (generative_training.ts), with kNN probes of the representation before and after. */
export async function trainSimclr<T extends Shaped>(
  on: GenerativeBackend<T>,
  { model: hyper, augment, k }: SimclrSetup,
  data: GenerativeData,
  config: TrainConfig,
  options: TrainOptions = {},
): Promise<SimclrTraining> {
  const { backend } = on;
  const model = simclrModel(on.ops, hyper);
  const initial = uploadAll(backend, initSimclr(hyper, config.seed));
  const shifted = augmentPairs(data.test.X, 28, makeRng(`simclr:probe:${config.seed}`), { shift: augment.shift, noise: 0 });
  const probeData = {
    trainX: backend.upload(data.train.X),
    trainY: backend.upload(data.train.y, 'i32'),
    testX: backend.upload(data.test.X),
    testY: backend.upload(data.test.y, 'i32'),
    shiftedX: backend.upload(firstRows(shifted, data.test.X.shape[0])),
  };
  /** kNN accuracy on the test rows, plain and shifted, with the training rows as neighbours, all mapped by `features` (raw pixels without). */
  const probe = (features?: (X: T) => T) =>
    backend.scope(async () => {
      const inputs = [probeData.trainX, probeData.testX, probeData.shiftedX];
      const [htrain, htest, hshifted] = features ? inputs.map(features) : inputs;
      const accuracy = await on.knnAccuracy(htrain, probeData.trainY, htest, probeData.testY, k);
      const shiftedAccuracy = await on.knnAccuracy(htrain, probeData.trainY, hshifted, probeData.testY, k);
      return [accuracy, shiftedAccuracy];
    });
  const untrained = await probe((X) => model.represent(initial, X));
  const rng = makeRng(`simclr:augment:${config.seed}`);
  const { history, epochMeans, params } = await trainWithAdam(
    backend,
    initial,
    data.train.X.shape[0],
    config,
    options,
    (current, rows) => model.loss(current, backend.upload(augmentPairs(takeRows(data.train.X, rows), 28, rng, augment))),
    ([l]) => `mean nt_xent ${l.toFixed(4)}`,
  );
  const learned = await probe((X) => model.represent(params, X));
  const pixels = await probe();
  const host = await readAll(backend, params);
  backend.release(...Object.values(probeData), ...Object.values(params));
  return {
    lossHistory: history.flat(),
    epochLoss: epochMeans.flat(),
    params: host,
    probe: { learned: learned[0], untrained: untrained[0], pixels: pixels[0] },
    shiftedProbe: { learned: learned[1], untrained: untrained[1], pixels: pixels[1] },
  };
}
