"""torchvision.ops.roi_pool (float64, CPU): corners rounded half away from zero (C's round), bins
floor(i*n/bins) .. ceil((i+1)*n/bins), max per bin, 0 for an empty bin; backward to the features only.
rois lie on a half-pixel grid so that the rounding of halves is exercised."""
import torch
from torchvision.ops import roi_pool as tv_roi_pool
from generate import Case
from ops.roi_align import random_rois


def roi_pool(features, rois, output_size, spatial_scale=1.0):
    return {"out": tv_roi_pool(features, rois, output_size, spatial_scale)}


def cases():
    g = torch.Generator().manual_seed(71)
    for name, (n, c, h, w, k), params in [
        ("scale1", (2, 3, 8, 10, 5), {"output_size": [2, 3]}),
        ("scale-half", (1, 2, 9, 7, 4), {"output_size": [3, 3], "spatial_scale": 0.5}),
        ("scale-quarter-7x7", (2, 2, 12, 12, 4), {"output_size": [7, 7], "spatial_scale": 0.25}),
    ]:
        scale = params.get("spatial_scale", 1.0)
        rois = random_rois(k, n, h, w, scale, g)
        rois[:, 1:] = torch.round(rois[:, 1:] * scale * 2) / 2 / scale
        inputs = {"features": torch.randn(n, c, h, w, generator=g), "rois": rois}
        yield Case(name, inputs, roi_pool, ["features"], params)
