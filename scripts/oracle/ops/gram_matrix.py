import torch
from generate import Case


def gram_matrix(features, normalize=True):
    n, c, h, w = features.shape
    f = features.reshape(n, c, h * w)
    gram = torch.bmm(f, f.transpose(1, 2))
    return {"out": gram / (h * w * c) if normalize else gram}


def cases():
    g = torch.Generator().manual_seed(48)
    for name, shape, normalize in [("one-image", (1, 4, 5, 6), True), ("batch", (2, 3, 4, 4), True),
                                   ("unnormalized", (1, 5, 3, 2), False)]:
        yield Case(name, {"features": torch.randn(*shape, generator=g)}, gram_matrix, ["features"], {"normalize": normalize})
