import { validateBatchnorm } from '../reference/batchnorm';
import { batchnormTwinOp } from './normalization';

/**
 * Twin of reference/batchnorm on x (N, D): the kernels of accelerated/normalization.ts with one
 * statistics group per feature (an invocation per feature walks the N rows, coalesced across
 * features) and per-element normalize and dx kernels.
 */
export const { forward: batchnormForward, backward: batchnormBackward } = batchnormTwinOp('batchnorm', validateBatchnorm);
