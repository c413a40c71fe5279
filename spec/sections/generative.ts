import type { OpRow } from '../op';

/** OPS.md "Generative, style, self-supervised, misc", in its order. */
export const GENERATIVE: OpRow[] = [];
