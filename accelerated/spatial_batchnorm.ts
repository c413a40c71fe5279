import { validateSpatialBatchnorm } from '../reference/spatial_batchnorm';
import { batchnormTwinOp } from './normalization';

/**
 * Twin of reference/spatial_batchnorm on x (N, C, H, W): the kernels of accelerated/normalization.ts
 * with one statistics group per channel (an invocation per channel walks N runs of H·W contiguous
 * values) and per-element normalize and dx kernels.
 */
export const { forward: spatialBatchnormForward, backward: spatialBatchnormBackward } = batchnormTwinOp('spatial_batchnorm', validateSpatialBatchnorm);
