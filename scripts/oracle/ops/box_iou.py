"""torchvision.ops.box_iou (x1, y1, x2, y2, area without +1). Its union-0 case (two zero-area boxes)
is 0/0 = NaN where the course defines 0: nan_to_num maps it. The case with identical and zero-area
boxes is forward only (the max/min tie rule of the gradient at those kinks is the reference's own)."""
import torch
from torchvision.ops import box_iou as tv_box_iou
from generate import Case
from ops.box_encode import random_boxes


def box_iou(boxes1, boxes2):
    return {"out": tv_box_iou(boxes1, boxes2).nan_to_num(nan=0.0)}


def cases():
    g = torch.Generator().manual_seed(31)
    yield Case("ops-md-check", {"boxes1": torch.tensor([[70.0, 70, 160, 150]]), "boxes2": torch.tensor([[40.0, 60, 140, 130]])},
               box_iou, ["boxes1", "boxes2"])
    for name, k, m in [("random-5x7", 5, 7), ("random-12x3", 12, 3)]:
        yield Case(name, {"boxes1": random_boxes(k, g), "boxes2": random_boxes(m, g)}, box_iou, ["boxes1", "boxes2"])
    boxes1 = torch.tensor([[0.0, 0, 4, 4], [1, 1, 1, 3], [10, 10, 12, 11]])
    boxes2 = torch.tensor([[0.0, 0, 4, 4], [5, 5, 6, 6], [0, 2, 3, 2]])
    yield Case("identical-disjoint-zero-area", {"boxes1": boxes1, "boxes2": boxes2}, box_iou, ["boxes1", "boxes2"], backward=False)
