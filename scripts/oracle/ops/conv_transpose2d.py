import torch
import torch.nn.functional as F
from generate import Case


def conv_transpose2d(x, w, b, stride=1, pad=0, output_padding=0):
    return {"out": F.conv_transpose2d(x, w, b, stride=stride, padding=pad, output_padding=output_padding)}


def cases():
    g = torch.Generator().manual_seed(6)
    # name, x shape, (F, HH, WW), params
    for name, (n, c, h, w), (f, hh, ww), params in [
        ("plain", (2, 3, 4, 4), (2, 3, 3), {"stride": 1, "pad": 0, "output_padding": 0}),
        ("stride2-pad1-outpad1", (2, 3, 3, 5), (4, 3, 2), {"stride": 2, "pad": 1, "output_padding": 1}),
        ("stride3-gaps", (1, 2, 3, 2), (3, 2, 2), {"stride": 3, "pad": 0, "output_padding": 2}),
        ("crop-pad2", (1, 4, 5, 6), (2, 4, 4), {"stride": 2, "pad": 2, "output_padding": 0}),
        ("defaults-batch1", (1, 1, 2, 3), (1, 2, 2), {}),
    ]:
        inputs = {
            "x": torch.randn(n, c, h, w, generator=g),
            "w": torch.randn(c, f, hh, ww, generator=g),
            "b": torch.randn(f, generator=g),
        }
        yield Case(name, inputs, conv_transpose2d, ["x", "w", "b"], params)
