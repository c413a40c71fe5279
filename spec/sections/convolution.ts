import { conv2d } from '../conv2d';
import { conv_transpose2d } from '../conv_transpose2d';
import { avg_pool2d } from '../avg_pool2d';
import { global_avg_pool } from '../global_avg_pool';
import { max_pool2d } from '../max_pool2d';
import { max_unpool2d } from '../max_unpool2d';
import { section } from '../harness/op';
import { pixel_shuffle } from '../pixel_shuffle';
import { upsample_bilinear } from '../upsample_bilinear';
import { upsample_nearest } from '../upsample_nearest';

/** In the order of docs/ops.md. */
export const CONVOLUTION = section('Convolution, pooling, resampling', [
  conv2d,
  conv_transpose2d,
  max_pool2d,
  avg_pool2d,
  global_avg_pool,
  max_unpool2d,
  upsample_nearest,
  upsample_bilinear,
  pixel_shuffle,
]);
