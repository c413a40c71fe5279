import fc from 'fast-check';
import * as twin from '../accelerated/batched_nms';
import * as ref from '../reference/batched_nms';
import { randintTensor } from '../reference/rng';
import { tensor } from '../reference/tensor';
import { dim, makeSample, samples } from './harness/arbitraries';
import { NMS_EDGE_INPUTS, NMS_REASONS, nmsDraws, nmsErrors, nmsSample } from './nms';
import { courseImpl, type OpDef } from './harness/op';

const io = [['boxes', 'scores', 'idxs'], ['keep']] as const;

/** nms samples plus class ids of 1–3 classes (one class: plain nms). */
const batchedSamples = (maxK: number) =>
  samples(fc.tuple(nmsDraws(maxK), dim(1, 3)), ([{ K, threshold, scoreCut }, classes], rng) => {
    const { inputs, params } = nmsSample(K, threshold, scoreCut, rng);
    return { inputs: { ...inputs, idxs: randintTensor([K], rng, classes) }, params };
  });

const ok = { boxes: tensor([2, 4], [0, 0, 1, 1, 2, 2, 3, 3]), scores: tensor([2], [0.5, 0.25]), idxs: tensor([2], [0, 1]) };

export const batched_nms: OpDef = {
  id: 'batched_nms',
  inputs: [
    { name: 'boxes', kind: 'float', differentiable: false },
    { name: 'scores', kind: 'float', differentiable: false },
    { name: 'idxs', kind: 'int', differentiable: false },
  ],
  outputs: ['keep'],
  reference: courseImpl(...io, ref.batchedNmsForward),
  twin: {
    async forward({ boxes, scores, idxs }, params) {
      const { keep } = await twin.batchedNmsForward(boxes, scores, idxs, params);
      return { outputs: { keep }, cache: null };
    },
  },
  validate: ({ boxes, scores, idxs }, params) => void ref.validateBatchedNms(boxes, scores, idxs, params),
  sample: batchedSamples(70),
  gradSample: batchedSamples(10),
  edgeCases: [
    // nms's cases in one class, then the same overlapping pairs in two classes: nothing suppressed.
    ...NMS_EDGE_INPUTS.map(({ inputs, params }) =>
      makeSample(
        {
          ...inputs,
          idxs: tensor(
            inputs.scores.shape,
            inputs.scores.data.map(() => 0),
          ),
        },
        params,
      ),
    ),
    makeSample({ ...NMS_EDGE_INPUTS[0].inputs, idxs: tensor([2], [3, 1]) }, { iou_threshold: 0.4 }),
    // Two classes interleaved: box 2 (class 0) is suppressed by box 0, box 3 (class 1) by box 1.
    makeSample(
      {
        boxes: tensor([4, 4], [0, 0, 4, 4, 0, 0, 4, 4, 0.5, 0, 4, 4, 0, 0.5, 4, 4]),
        scores: tensor([4], [4, 3, 2, 1]),
        idxs: tensor([4], [0, 1, 0, 1]),
      },
      { iou_threshold: 0.5 },
    ),
  ],
  errors: [
    ...nmsErrors('batched_nms', ok),
    {
      title: 'idxs length differs from K',
      sample: makeSample({ ...ok, idxs: tensor([3]) }, { iou_threshold: 0.5 }),
      message: 'batched_nms: idxs: expected shape [2] (K = 2 from boxes), got [3]',
    },
    {
      title: 'negative class id',
      sample: makeSample({ ...ok, idxs: tensor([2], [0, -1]) }, { iou_threshold: 0.5 }),
      message: 'batched_nms: idxs: expected integer class ids ≥ 0, got -1 at [1]',
    },
    {
      title: 'class id 2³¹ (beyond int32)',
      sample: makeSample({ ...ok, idxs: tensor([2], [2 ** 31, 0]) }, { iou_threshold: 0.5 }),
      message: 'batched_nms: idxs: expected integer class ids ≥ 0, got 2147483648 at [0]',
    },
    {
      title: 'fractional class id',
      sample: makeSample({ ...ok, idxs: tensor([2], [0, 0.5]) }, { iou_threshold: 0.5 }),
      message: 'batched_nms: idxs: expected integer class ids ≥ 0, got 0.5 at [1]',
    },
  ],
  reasons: NMS_REASONS,
};
