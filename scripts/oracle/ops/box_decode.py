"""The inverse of box_encode, composed from torch ops: x = xa + tx*wa, w = wa*exp(tw), box (x - w/2, y - h/2, x + w/2, y + h/2)."""
import torch
from generate import Case
from ops.box_encode import center_form, random_boxes


def box_decode(deltas, anchors):
    ca, sa = center_form(anchors)
    c = ca + deltas[:, :2] * sa
    s = sa * torch.exp(deltas[:, 2:])
    return {"boxes": torch.cat([c - s / 2, c + s / 2], dim=1)}


def cases():
    g = torch.Generator().manual_seed(53)
    for name, n in [("k1", 1), ("k6", 6), ("k40", 40)]:
        yield Case(name, {"deltas": 0.5 * torch.randn(n, 4, generator=g), "anchors": random_boxes(n, g)}, box_decode, ["deltas", "anchors"])
