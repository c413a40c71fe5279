"""Anchors composed from torch ops in the course's order (torchvision's AnchorGenerator rounds its
base anchors and puts them at cell corners; the course centers them on cells, unrounded): cells
row-major, then ratios, then scales; w = scale/sqrt(ratio), h = scale*sqrt(ratio). No backward."""
import torch
from generate import Case


def anchors(features, stride, scales, ratios):
    hf, wf = features.shape[2:]
    ys, xs = torch.meshgrid((torch.arange(hf) + 0.5) * stride, (torch.arange(wf) + 0.5) * stride, indexing="ij")
    centers = torch.stack([xs, ys, xs, ys], dim=-1).reshape(-1, 1, 4).to(torch.float64)
    r = torch.tensor(ratios, dtype=torch.float64).sqrt()[:, None]
    s = torch.tensor(scales, dtype=torch.float64)[None, :]
    w, h = (s / r).reshape(-1), (s * r).reshape(-1)
    half = torch.stack([-w, -h, w, h], dim=-1) / 2
    return {"anchors": (centers + half[None]).reshape(-1, 4)}


def cases():
    for name, shape, params in [
        ("fpn-like", (1, 2, 4, 5), {"stride": 16, "scales": [32, 64], "ratios": [0.5, 1, 2]}),
        ("one-anchor", (2, 1, 3, 3), {"stride": 8, "scales": [24.5], "ratios": [1]}),
        ("stride5", (1, 1, 2, 6), {"stride": 5, "scales": [8, 16, 32], "ratios": [0.75, 3]}),
    ]:
        yield Case(name, {"features": torch.zeros(shape)}, anchors, [], params, backward=False)
