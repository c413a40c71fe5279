import { multi_head_attention } from '../multi_head_attention';
import type { OpRow } from '../op';
import { positional_encoding } from '../positional_encoding';
import { scaled_dot_product_attention } from '../scaled_dot_product_attention';

/** OPS.md "Attention", in its order. */
export const ATTENTION: OpRow[] = [scaled_dot_product_attention, multi_head_attention, positional_encoding];
