"""torchvision.ops.roi_align (float64, CPU): bilinear samples averaged per bin, aligned shifts by
-0.5, sampling_ratio -1 adaptive. rois are not differentiable (integer batch index, and the course
differentiates the features only)."""
import torch
from torchvision.ops import roi_align as tv_roi_align
from generate import Case


def roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    return {"out": tv_roi_align(features, rois, output_size, spatial_scale, sampling_ratio, aligned)}


def random_rois(k, n, h, w, scale, g):
    """[batch, x1, y1, x2, y2] reaching up to 2 feature pixels beyond the map, in image coordinates."""
    batch = torch.randint(0, n, (k, 1), generator=g).to(torch.float64)
    lo = -2 + torch.rand(k, 2, generator=g) * torch.tensor([w + 2.0, h + 2.0])
    hi = lo + torch.rand(k, 2, generator=g) * torch.tensor([w / 2 + 2.0, h / 2 + 2.0])
    return torch.cat([batch, lo / scale, hi / scale], dim=1)


def cases():
    g = torch.Generator().manual_seed(61)
    for name, (n, c, h, w, k), params in [
        ("adaptive-unaligned", (2, 3, 8, 10, 5), {"output_size": [2, 3], "spatial_scale": 0.5}),
        ("ratio2-aligned", (1, 2, 7, 7, 4), {"output_size": [3, 3], "spatial_scale": 1.0, "sampling_ratio": 2, "aligned": True}),
        ("adaptive-aligned-quarter", (2, 4, 12, 9, 6), {"output_size": [2, 2], "spatial_scale": 0.25, "aligned": True}),
        ("ratio1-unaligned", (1, 1, 8, 9, 4), {"output_size": [4, 2], "sampling_ratio": 1}),
    ]:
        inputs = {"features": torch.randn(n, c, h, w, generator=g), "rois": random_rois(k, n, h, w, params.get("spatial_scale", 1.0), g)}
        yield Case(name, inputs, roi_align, ["features"], params)
