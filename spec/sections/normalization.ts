import { batchnorm } from '../batchnorm';
import { groupnorm } from '../groupnorm';
import { layernorm } from '../layernorm';
import type { OpRow } from '../op';
import { spatial_batchnorm } from '../spatial_batchnorm';

/** OPS.md "Normalization", in its order. */
export const NORMALIZATION: OpRow[] = [batchnorm, spatial_batchnorm, layernorm, groupnorm];
