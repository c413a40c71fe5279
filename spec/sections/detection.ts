import { anchors } from '../anchors';
import { batched_nms } from '../batched_nms';
import { box_decode } from '../box_decode';
import { box_encode } from '../box_encode';
import { box_iou } from '../box_iou';
import { mean_average_precision } from '../mean_average_precision';
import { nms } from '../nms';
import { section } from '../harness/op';
import { roi_align } from '../roi_align';
import { roi_pool } from '../roi_pool';

/** In the order of docs/ops.md. */
export const DETECTION = section('Detection', [box_iou, nms, batched_nms, roi_pool, roi_align, anchors, box_encode, box_decode, mean_average_precision]);
