import torch
from generate import Case


def l2_regularization(w, reg):
    return {"loss": reg * (w ** 2).sum()}


def cases():
    g = torch.Generator().manual_seed(20)
    for name, shape, reg in [("matrix", (5, 4), 0.5), ("conv-weight", (4, 3, 3, 3), 1e-3), ("vector", (9,), 2.0)]:
        yield Case(name, {"w": torch.randn(shape, generator=g)}, l2_regularization, ["w"], {"reg": reg})
