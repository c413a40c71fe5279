import { lossGradient } from './classification';
import { requireSameShapes } from './generative';
import { scalar, tensor, type Tensor } from './tensor';
import { requireRank, type Shaped } from './validate';

export interface KlGaussianCache {
  mu: Tensor;
  logvar: Tensor;
}

/** mu and logvar (N, Z), non-empty and finite. Returns N. */
export function validateKlGaussian(mu: Shaped, logvar: Shaped): number {
  requireRank('kl_gaussian', 'mu', mu, 2);
  return requireSameShapes('kl_gaussian', [
    ['mu', mu],
    ['logvar', logvar],
  ])[0];
}

/** KL(N(mu, e^logvar) ‖ N(0, 1)) averaged over the batch: loss = −0.5·Σ_{n,z}(1 + logvar − mu² − e^logvar) / N */
export function klGaussianForward(mu: Tensor, logvar: Tensor): { loss: Tensor; cache: KlGaussianCache } {
  const N = validateKlGaussian(mu, logvar);
  let sum = 0;
  for (let i = 0; i < mu.data.length; i++) {
    const m = mu.data[i];
    const lv = logvar.data[i];
    sum += 1 + lv - m * m - Math.exp(lv);
  }
  return { loss: scalar((-0.5 * sum) / N), cache: { mu, logvar } };
}

/** dmu = mu/N · dloss, dlogvar = 0.5·(e^logvar − 1)/N · dloss */
export function klGaussianBackward(dloss: Tensor, cache: KlGaussianCache): { dmu: Tensor; dlogvar: Tensor } {
  const { mu, logvar } = cache;
  const g = lossGradient('kl_gaussian', dloss);
  const N = mu.shape[0];
  const dmu = tensor(mu.shape);
  const dlogvar = tensor(mu.shape);
  for (let i = 0; i < mu.data.length; i++) {
    dmu.data[i] = (mu.data[i] / N) * g;
    dlogvar.data[i] = ((0.5 * (Math.exp(logvar.data[i]) - 1)) / N) * g;
  }
  return { dmu, dlogvar };
}
