import torch
import torch.nn.functional as F
from generate import Case


def content_loss(current, original, content_weight):
    return {"loss": content_weight * F.mse_loss(current, original, reduction="sum")}


def cases():
    g = torch.Generator().manual_seed(49)
    for name, shape, w in [("conv-features", (1, 8, 5, 6), 0.05), ("one-channel", (1, 1, 4, 4), 1.0), ("wide", (1, 16, 3, 2), 6.0)]:
        yield Case(name, {"current": torch.randn(*shape, generator=g), "original": torch.randn(*shape, generator=g)},
                   content_loss, ["current"], {"content_weight": w})
