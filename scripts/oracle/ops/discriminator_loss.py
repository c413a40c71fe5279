import torch
import torch.nn.functional as F
from generate import Case


def discriminator_loss(logits_real, logits_fake):
    """BCE(real, 1) + BCE(fake, 0), each a mean over N."""
    real = F.binary_cross_entropy_with_logits(logits_real, torch.ones_like(logits_real))
    fake = F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))
    return {"loss": real + fake}


def cases():
    g = torch.Generator().manual_seed(42)
    for name, n, scale in [("batch", 8, 3.0), ("one-sample", 1, 1.0), ("confident", 5, 40.0)]:
        yield Case(name, {"logits_real": scale * torch.randn(n, generator=g), "logits_fake": scale * torch.randn(n, generator=g)},
                   discriminator_loss, ["logits_real", "logits_fake"])
