import torch
import torch.nn.functional as F
from generate import Case


def conv2d(x, w, b, stride=1, pad=0, dilation=1, groups=1):
    return {"out": F.conv2d(x, w, b, stride=stride, padding=pad, dilation=dilation, groups=groups)}


def cases():
    g = torch.Generator().manual_seed(5)
    # name, x shape, (F, HH, WW), params
    for name, (n, c, h, w), (f, hh, ww), params in [
        ("plain", (2, 3, 5, 5), (4, 3, 3), {"stride": 1, "pad": 0, "dilation": 1, "groups": 1}),
        ("stride2-pad1", (2, 3, 7, 6), (4, 3, 3), {"stride": 2, "pad": 1, "dilation": 1, "groups": 1}),
        ("dilation2-nonsquare", (1, 2, 8, 7), (3, 2, 3), {"stride": 1, "pad": 2, "dilation": 2, "groups": 1}),
        ("groups2", (2, 4, 6, 5), (6, 3, 3), {"stride": 1, "pad": 1, "dilation": 1, "groups": 2}),
        ("depthwise-stride3", (1, 3, 9, 8), (3, 2, 2), {"stride": 3, "pad": 0, "dilation": 1, "groups": 3}),
        ("all-params", (3, 6, 9, 10), (4, 3, 2), {"stride": 2, "pad": 2, "dilation": 3, "groups": 2}),
        ("defaults-1x1", (1, 5, 3, 4), (2, 1, 1), {}),
    ]:
        groups = params.get("groups", 1)
        inputs = {
            "x": torch.randn(n, c, h, w, generator=g),
            "w": torch.randn(f, c // groups, hh, ww, generator=g),
            "b": torch.randn(f, generator=g),
        }
        yield Case(name, inputs, conv2d, ["x", "w", "b"], params)
