import torch.nn.functional as F
from generate import randn_cases


def upsample_bilinear(x, scale=None, size=None, align_corners=False):
    return {"out": F.interpolate(x, size=size, scale_factor=scale, mode="bilinear", align_corners=align_corners)}


def cases():
    """F.interpolate mode 'bilinear', by a scale and to a size, align_corners false and true."""
    return randn_cases(26, upsample_bilinear, [
        ("scale-2-centres", (2, 2, 3, 4), {"scale": 2, "align_corners": False}),
        ("scale-1.5-corners", (1, 3, 4, 5), {"scale": 1.5, "align_corners": True}),
        ("scale-1.3-default", (1, 2, 3, 4), {"scale": 1.3}),
        ("scale-0.5-down", (1, 1, 6, 5), {"scale": 0.5, "align_corners": False}),
        ("size-corners", (1, 2, 3, 4), {"size": [5, 7], "align_corners": True}),
        ("size-centres", (2, 1, 4, 3), {"size": [9, 5], "align_corners": False}),
        ("size-one-row-corners", (1, 1, 3, 3), {"size": [1, 4], "align_corners": True}),
    ])
