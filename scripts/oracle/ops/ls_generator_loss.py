import torch
import torch.nn.functional as F
from generate import Case


def ls_generator_loss(scores_fake):
    """0.5·mean((fake − 1)²)."""
    return {"loss": 0.5 * F.mse_loss(scores_fake, torch.ones_like(scores_fake))}


def cases():
    g = torch.Generator().manual_seed(45)
    for name, n in [("batch", 8), ("one-sample", 1), ("larger", 33)]:
        yield Case(name, {"scores_fake": torch.randn(n, generator=g)}, ls_generator_loss, ["scores_fake"])
