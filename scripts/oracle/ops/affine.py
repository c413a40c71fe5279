import torch
from generate import Case


def cases():
    g = torch.Generator().manual_seed(1)
    for name, xshape, m in [("matrix", (4, 5), 3), ("image-batch", (2, 3, 2, 2), 7), ("single", (1, 1), 1), ("wide", (3, 40), 33)]:
        d = 1
        for s in xshape[1:]:
            d *= s
        inputs = {"x": torch.randn(xshape, generator=g), "w": torch.randn(d, m, generator=g), "b": torch.randn(m, generator=g)}
        yield Case(name, inputs, lambda x, w, b: {"out": x.reshape(x.shape[0], -1) @ w + b}, ["x", "w", "b"])
