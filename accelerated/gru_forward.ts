import { GRU } from '../reference/gru_forward';
import { gruTwinOp } from './gru';

/** Twin of reference/gru_forward (PyTorch's nn.GRU): kernels and tiling in gru.ts. */
export const { forward: gruForward, backward: gruBackward } = gruTwinOp(GRU);
