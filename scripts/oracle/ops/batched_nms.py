"""torchvision.ops.batched_nms (NMS within each class, kept indices by descending score); the
course's score_threshold is composed as a filter before it, as for nms. No backward."""
import torch
from torchvision.ops import batched_nms as tv_batched_nms
from generate import Case
from ops.nms import nms_cases


def batched_nms(boxes, scores, idxs, iou_threshold, score_threshold=float("-inf")):
    candidates = torch.nonzero(scores > score_threshold).flatten()
    keep = tv_batched_nms(boxes[candidates], scores[candidates], idxs[candidates], iou_threshold)
    return {"keep": candidates[keep]}


def cases():
    classes = lambda n, g: {"idxs": torch.randint(0, 3, (n,), generator=g)}
    for name, inputs, params in nms_cases(43, classes):
        yield Case(name, inputs, batched_nms, [], params, backward=False)
