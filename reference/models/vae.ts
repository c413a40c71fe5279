import { makeRng, randnTensor } from '../rng';
import type { Tensor } from '../tensor';
import { initLayers, netForward, REFERENCE_OPS, upstream, type Layer, type ModelOps } from './generative_layers';
import { firstRows, readAll, trainWithAdam, uploadAll } from './generative_training';
import type { GenerativeBackend, GenerativeData, Shaped, TrainConfig, TrainOptions } from './generative_training';

/**
 * Variational autoencoder on images flattened to D pixels in [0, 1] (Kingma & Welling; the
 * cs231n / EECS498 VAE), MLP encoder and decoder with a Bernoulli likelihood:
 *
 *   h = relu(x·W_enc + b_enc),  mu = h·W_mu + b_mu,  logvar = h·W_logvar + b_logvar      (encoder)
 *   z = mu + e^(logvar/2)·eps,  eps ~ N(0, I) given                                     (reparameterize)
 *   logits = relu(z·W_dec1 + b_dec1)·W_dec2 + b_dec2                                    (decoder)
 *   L = D·bce_with_logits(logits, x) + kl_gaussian(mu, logvar)
 *
 * bce_with_logits averages over the N·D pixels, kl_gaussian over the N images, so L is the
 * negative ELBO per image in nats (one-sample estimate): −E_q[log p(x|z)] + KL(q(z|x) ‖ N(0, I)).
 * Written once over ModelOps (generative_layers.ts): `vaeModel(REFERENCE_OPS)` composes the
 * reference ops, accelerated/models/vae.ts the twins.
 */
export interface VaeHyper {
  pixels: number;
  hidden: number;
  latent: number;
}

export function vaeNets({ pixels, hidden, latent }: VaeHyper): Record<'encoder' | 'mu' | 'logvar' | 'decoder', Layer[]> {
  return {
    encoder: [{ kind: 'affine', name: 'enc', in: pixels, out: hidden }, { kind: 'relu' }],
    mu: [{ kind: 'affine', name: 'mu', in: hidden, out: latent }],
    logvar: [{ kind: 'affine', name: 'logvar', in: hidden, out: latent }],
    decoder: [{ kind: 'affine', name: 'dec1', in: latent, out: hidden }, { kind: 'relu' }, { kind: 'affine', name: 'dec2', in: hidden, out: pixels }],
  };
}

/** He-normal weights, zero biases (generative_layers.ts initLayers), from the seed. */
export function initVae(hyper: VaeHyper, seed: number): Record<string, Tensor> {
  return initLayers(Object.values(vaeNets(hyper)).flat(), 'vae', seed);
}

export interface VaeLoss<T> {
  /** The negative ELBO per image. */
  loss: T;
  /** Its KL term (the reconstruction term D·bce is loss − kl). */
  kl: T;
  grads: Record<string, T>;
}

export interface VaeModel<T> {
  /** L and d<param> for images X (N, D) and the noise eps (N, latent). */
  loss(params: Record<string, T>, X: T, eps: T): VaeLoss<T>;
  /** Pixel probabilities σ(logits) of the decoder at latent codes z (N, latent). */
  decode(params: Record<string, T>, z: T): T;
  /** Pixel probabilities of the decoder at the encoder's mean mu(X). */
  reconstruct(params: Record<string, T>, X: T): T;
}

export function vaeModel<T extends { shape: readonly number[] }>(ops: ModelOps<T>, hyper: VaeHyper): VaeModel<T> {
  const nets = vaeNets(hyper);

  const decode = (params: Record<string, T>, z: T): T => ops.scope(() => ops.sigmoidForward(netForward(ops, nets.decoder, params, z).out).out);

  return {
    decode,
    reconstruct: (params, X) =>
      ops.scope(() => {
        const enc = netForward(ops, nets.encoder, params, X);
        return decode(params, netForward(ops, nets.mu, params, enc.out).out);
      }),
    loss: (params, X, eps) =>
      ops.scope(() => {
        const enc = netForward(ops, nets.encoder, params, X);
        const mu = netForward(ops, nets.mu, params, enc.out);
        const logvar = netForward(ops, nets.logvar, params, enc.out);
        const rep = ops.reparameterizeForward(mu.out, logvar.out, eps);
        const dec = netForward(ops, nets.decoder, params, rep.z);
        const bce = ops.bceWithLogitsForward(dec.out, X);
        const kl = ops.klGaussianForward(mu.out, logvar.out);
        const loss = ops.axpy(hyper.pixels, bce.loss, kl.loss);

        // backward: dlogits = D·∂bce, dz through the decoder, then dmu and dlogvar from both terms
        const [dRecon, dKl] = [upstream(ops, X, hyper.pixels), upstream(ops, X)];
        const { dx: dlogits } = ops.bceWithLogitsBackward(dRecon, bce.cache);
        const back = dec.backward(dlogits);
        const fromZ = ops.reparameterizeBackward(back.dx, rep.cache);
        const fromKl = ops.klGaussianBackward(dKl, kl.cache);
        const dmu = ops.add(fromZ.dmu, fromKl.dmu);
        const dlogvar = ops.add(fromZ.dlogvar, fromKl.dlogvar);
        const muBack = mu.backward(dmu);
        const logvarBack = logvar.backward(dlogvar);
        const dh = ops.add(muBack.dx, logvarBack.dx);
        const encBack = enc.backward(dh);
        return { loss, kl: kl.loss, grads: { ...encBack.grads, ...muBack.grads, ...logvarBack.grads, ...back.grads } };
      }),
  };
}

export const vae = (hyper: VaeHyper): VaeModel<Tensor> => vaeModel(REFERENCE_OPS, hyper);

export interface VaeTraining {
  /** Mean training loss (negative ELBO per image) of each epoch. */
  epochLoss: number[];
  lossHistory: number[];
  /** Negative ELBO per image on the test rows (one sample of z each) and its KL term. */
  testNelbo: number;
  testKl: number;
  params: Record<string, Tensor>;
  /** With options.images: 64 decoder samples, and the first 32 test rows with their reconstructions (rows of pixels in [0, 1]). */
  images?: { samples: Tensor; originals: Tensor; reconstructions: Tensor };
}

/** Trains the VAE with Adam on the training rows (generative_training.ts) and measures the −ELBO on the test rows. */
export async function trainVae<T extends Shaped>(
  on: GenerativeBackend<T>,
  hyper: VaeHyper,
  data: GenerativeData,
  config: TrainConfig,
  options: TrainOptions = {},
): Promise<VaeTraining> {
  const { backend } = on;
  const model = vaeModel(on.ops, hyper);
  const X = backend.upload(data.train.X);
  const rng = makeRng(`vae:noise:${config.seed}`);
  const { history, epochMeans, params } = await trainWithAdam(
    backend,
    uploadAll(backend, initVae(hyper, config.seed)),
    data.train.X.shape[0],
    config,
    options,
    (current, rows) => model.loss(current, backend.takeRows(X, rows), backend.upload(randnTensor([rows.length, hyper.latent], rng))),
    ([l]) => `mean −ELBO ${l.toFixed(2)} nats/image`,
  );
  // test −ELBO: one draw of z per image from its own generator
  const [testNelbo, testKl] = await backend.scope(async () => {
    const testEps = backend.upload(randnTensor([data.test.X.shape[0], hyper.latent], makeRng(`vae:test:${config.seed}`)));
    const test = model.loss(params, backend.upload(data.test.X), testEps);
    return [await backend.readScalar(test.loss), await backend.readScalar(test.kl)];
  });
  const images = options.images
    ? await backend.scope(async () => {
        const z = backend.upload(randnTensor([64, hyper.latent], makeRng(`vae:samples:${config.seed}`)));
        const originals = backend.upload(firstRows(data.test.X, 32));
        const reconstructions = model.reconstruct(params, originals);
        return {
          samples: await backend.read(model.decode(params, z)),
          originals: await backend.read(originals),
          reconstructions: await backend.read(reconstructions),
        };
      })
    : undefined;
  const host = await readAll(backend, params);
  backend.release(X, ...Object.values(params));
  return { epochLoss: epochMeans.flat(), lossHistory: history.flat(), testNelbo, testKl, params: host, images };
}
