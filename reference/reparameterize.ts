import { requireSameShapes } from './generative';
import { tensor, type Tensor } from './tensor';
import { requireShape, type Shaped } from './validate';

export interface ReparameterizeCache {
  logvar: Tensor;
  eps: Tensor;
}

/** mu, logvar and eps of one shape, non-empty and finite. */
export function validateReparameterize(mu: Shaped, logvar: Shaped, eps: Shaped): void {
  requireSameShapes('reparameterize', [
    ['mu', mu],
    ['logvar', logvar],
    ['eps', eps],
  ]);
}

/** z = mu + e^(logvar/2)·eps (eps is given, so the op is deterministic) */
export function reparameterizeForward(mu: Tensor, logvar: Tensor, eps: Tensor): { z: Tensor; cache: ReparameterizeCache } {
  validateReparameterize(mu, logvar, eps);
  const z = tensor(mu.shape);
  for (let i = 0; i < z.data.length; i++) z.data[i] = mu.data[i] + Math.exp(logvar.data[i] / 2) * eps.data[i];
  return { z, cache: { logvar, eps } };
}

/** dmu = dz, dlogvar = 0.5·e^(logvar/2)·eps·dz; the noise eps gets no gradient. */
export function reparameterizeBackward(dz: Tensor, cache: ReparameterizeCache): { dmu: Tensor; dlogvar: Tensor } {
  const { logvar, eps } = cache;
  requireShape('reparameterize_backward', 'dz', dz, logvar.shape, 'the shape of z');
  const dmu = tensor(dz.shape, dz.data);
  const dlogvar = tensor(dz.shape);
  for (let i = 0; i < dz.data.length; i++) dlogvar.data[i] = 0.5 * Math.exp(logvar.data[i] / 2) * eps.data[i] * dz.data[i];
  return { dmu, dlogvar };
}
