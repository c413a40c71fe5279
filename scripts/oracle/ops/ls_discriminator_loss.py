import torch
import torch.nn.functional as F
from generate import Case


def ls_discriminator_loss(scores_real, scores_fake):
    """0.5·mean((real − 1)²) + 0.5·mean(fake²)."""
    real = 0.5 * F.mse_loss(scores_real, torch.ones_like(scores_real))
    fake = 0.5 * F.mse_loss(scores_fake, torch.zeros_like(scores_fake))
    return {"loss": real + fake}


def cases():
    g = torch.Generator().manual_seed(44)
    for name, n in [("batch", 8), ("one-sample", 1), ("larger", 33)]:
        yield Case(name, {"scores_real": torch.randn(n, generator=g), "scores_fake": torch.randn(n, generator=g)},
                   ls_discriminator_loss, ["scores_real", "scores_fake"])
