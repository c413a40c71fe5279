import { validateKlGaussian } from '../reference/kl_gaussian';
import type { GpuTensor } from './runtime/buffers';
import { elementwiseLoss } from './runtime/scalar_loss';

/**
 * Twin of reference/kl_gaussian: one invocation per element writes −0.5·(1 + logvar − mu² − e^logvar),
 * the tree reduction sums with scale 1/N; backward one invocation per element for dmu and dlogvar.
 */
export const { forward: klGaussianForward, backward: klGaussianBackward } = elementwiseLoss({
  name: 'kl_gaussian',
  setup: (mu: GpuTensor, logvar: GpuTensor) => ({ inputs: { mu, logvar }, scale: 1 / validateKlGaussian(mu, logvar) }),
  term: '-0.5 * (1.0 + logvar[i] - mu[i] * mu[i] - exp(logvar[i]))',
  grads: { dmu: 'mu[i] * scale * g', dlogvar: '0.5 * (exp(logvar[i]) - 1.0) * scale * g' },
});
