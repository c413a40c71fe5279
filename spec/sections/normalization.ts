import { batchnorm } from '../batchnorm';
import { groupnorm } from '../groupnorm';
import { layernorm } from '../layernorm';
import { section } from '../harness/op';
import { spatial_batchnorm } from '../spatial_batchnorm';

/** In the order of docs/ops.md. */
export const NORMALIZATION = section('Normalization', [batchnorm, spatial_batchnorm, layernorm, groupnorm]);
