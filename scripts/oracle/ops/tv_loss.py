import torch
from generate import Case


def tv_loss(img, tv_weight):
    vertical = ((img[:, :, 1:, :] - img[:, :, :-1, :]) ** 2).sum()
    horizontal = ((img[:, :, :, 1:] - img[:, :, :, :-1]) ** 2).sum()
    return {"loss": tv_weight * (vertical + horizontal)}


def cases():
    g = torch.Generator().manual_seed(50)
    for name, shape, w in [("rgb-image", (1, 3, 6, 7), 2e-2), ("batch", (2, 2, 4, 3), 0.5), ("one-row", (1, 1, 1, 5), 3.0)]:
        yield Case(name, {"img": torch.randn(*shape, generator=g)}, tv_loss, ["img"], {"tv_weight": w})
