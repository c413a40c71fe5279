import torch
from generate import Case


def triplet_loss(anchor, positive, negative, alpha=0.2):
    """sum_n max(0, |a-p|^2 - |a-n|^2 + alpha): squared distances, summed over N
    (F.triplet_margin_loss uses unsquared distances and a mean, so it is not the course's loss)."""
    to_positive = ((anchor - positive) ** 2).sum(dim=1)
    to_negative = ((anchor - negative) ** 2).sum(dim=1)
    return {"loss": torch.clamp(to_positive - to_negative + alpha, min=0).sum()}


def cases():
    g = torch.Generator().manual_seed(52)
    for name, n, d, alpha in [("batch", 8, 5, 0.2), ("one-sample", 1, 3, 2.0), ("embeddings", 6, 16, 0.0)]:
        anchor = torch.randn(n, d, generator=g)
        positive = anchor + 0.5 * torch.randn(n, d, generator=g)
        negative = anchor + 0.55 * torch.randn(n, d, generator=g)  # about half the hinges active
        yield Case(name, {"anchor": anchor, "positive": positive, "negative": negative}, triplet_loss,
                   ["anchor", "positive", "negative"], {"alpha": alpha})
