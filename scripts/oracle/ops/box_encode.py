"""R-CNN box coding in center form, composed from torch ops (torchvision's BoxCoder adds weights
and clamps; the course's has neither): tx = (x - xa)/wa, ty = (y - ya)/ha, tw = log(w/wa), th = log(h/ha)."""
import torch
from generate import Case


def center_form(b):
    return (b[:, :2] + b[:, 2:]) / 2, b[:, 2:] - b[:, :2]


def box_encode(boxes, anchors):
    (c, s), (ca, sa) = center_form(boxes), center_form(anchors)
    return {"deltas": torch.cat([(c - ca) / sa, torch.log(s / sa)], dim=1)}


def random_boxes(n, g):
    xy = torch.rand(n, 2, generator=g) * 24
    wh = 0.5 + torch.rand(n, 2, generator=g) * 12
    return torch.cat([xy, xy + wh], dim=1)


def cases():
    g = torch.Generator().manual_seed(51)
    for name, n in [("k1", 1), ("k6", 6), ("k40", 40)]:
        yield Case(name, {"boxes": random_boxes(n, g), "anchors": random_boxes(n, g)}, box_encode, ["boxes", "anchors"])
