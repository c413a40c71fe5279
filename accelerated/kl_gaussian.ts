import { validateKlGaussian } from '../reference/kl_gaussian';
import type { GpuTensor } from './runtime/buffers';
import { lossGradient, sumOfTerms } from './runtime/scalar_loss';

/**
 * Twin of reference/kl_gaussian: one invocation per element writes 1 + logvar − mu² − e^logvar,
 * the tree reduction sums with scale −0.5/N; backward one invocation per element for dmu and dlogvar.
 */
export interface KlGaussianCache {
  mu: GpuTensor;
  logvar: GpuTensor;
}

export function klGaussianForward(mu: GpuTensor, logvar: GpuTensor): { loss: GpuTensor; cache: KlGaussianCache } {
  const N = validateKlGaussian(mu, logvar);
  const loss = sumOfTerms(
    {
      name: 'kl_gaussian',
      inputs: { mu, logvar },
      count: N * mu.shape[1],
      body: 'terms[i] = 1.0 + logvar[i] - mu[i] * mu[i] - exp(logvar[i]);',
    },
    -0.5 / N,
  );
  return { loss, cache: { mu, logvar } };
}

export function klGaussianBackward(dloss: GpuTensor, cache: KlGaussianCache): { dmu: GpuTensor; dlogvar: GpuTensor } {
  const { mu, logvar } = cache;
  const { dmu, dlogvar } = lossGradient({
    name: 'kl_gaussian',
    inputs: { mu, logvar },
    dloss,
    grads: ['dmu', 'dlogvar'],
    shape: mu.shape,
    uniforms: { inv_n: ['f32', 1 / mu.shape[0]] },
    body: 'dmu[i] = mu[i] * inv_n * g;\n  dlogvar[i] = 0.5 * (exp(logvar[i]) - 1.0) * inv_n * g;',
  });
  return { dmu, dlogvar };
}
