"""torchvision.ops.nms; the course's score_threshold (drop boxes with score <= it, default -inf, left
out of params) is composed as a filter before it. Scores are distinct (torch.rand), so the order of
equal scores (lower index first in the course) never matters here. No backward: integer output."""
import torch
from torchvision.ops import nms as tv_nms
from generate import Case
from ops.box_encode import random_boxes


def nms(boxes, scores, iou_threshold, score_threshold=float("-inf")):
    candidates = torch.nonzero(scores > score_threshold).flatten()
    keep = tv_nms(boxes[candidates], scores[candidates], iou_threshold)
    return {"keep": candidates[keep]}


def nms_cases(seed, extra=lambda n, g: {}):
    """(name, inputs, params) of the cases nms and batched_nms share."""
    g = torch.Generator().manual_seed(seed)
    for name, n, params in [("k20-iou0.5", 20, {"iou_threshold": 0.5}), ("k50-iou0.3", 50, {"iou_threshold": 0.3}),
                            ("k40-score-threshold", 40, {"iou_threshold": 0.6, "score_threshold": 0.4})]:
        inputs = {"boxes": random_boxes(n, g), "scores": torch.rand(n, generator=g)}
        inputs.update(extra(n, g))
        yield name, inputs, params


def cases():
    for name, inputs, params in nms_cases(41):
        yield Case(name, inputs, nms, [], params, backward=False)
