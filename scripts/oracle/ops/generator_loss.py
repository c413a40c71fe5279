import torch
import torch.nn.functional as F
from generate import Case


def generator_loss(logits_fake):
    """Non-saturating: BCE(fake, 1)."""
    return {"loss": F.binary_cross_entropy_with_logits(logits_fake, torch.ones_like(logits_fake))}


def cases():
    g = torch.Generator().manual_seed(43)
    for name, n, scale in [("batch", 8, 3.0), ("one-sample", 1, 1.0), ("confident", 5, 40.0)]:
        yield Case(name, {"logits_fake": scale * torch.randn(n, generator=g)}, generator_loss, ["logits_fake"])
