import torch.nn.functional as F
from generate import randn_cases


def upsample_nearest(x, scale=None, size=None):
    return {"out": F.interpolate(x, size=size, scale_factor=scale, mode="nearest")}


def cases():
    """F.interpolate mode 'nearest' by a scale (source step 1/scale) and to a size (step in/out)."""
    return randn_cases(25, upsample_nearest, [
        ("scale-2", (2, 2, 3, 4), {"scale": 2}),
        ("scale-1.5", (1, 3, 4, 5), {"scale": 1.5}),
        ("scale-2.2-shortcut", (1, 1, 3, 4), {"scale": 2.2}),
        ("scale-0.7-down", (1, 2, 6, 5), {"scale": 0.7}),
        ("size-float32-index", (1, 1, 14, 3), {"size": [20, 5]}),
        ("size-down-nonsquare", (2, 1, 5, 7), {"size": [2, 3]}),
    ])
