import torch
import torch.nn.functional as F
from generate import Case


def nt_xent(z, tau=0.5):
    """SimCLR NT-Xent: cross-entropy over k != i of cosine similarities / tau, target the pair i +- N."""
    m = z.shape[0]
    s = F.cosine_similarity(z.unsqueeze(1), z.unsqueeze(0), dim=2) / tau
    s = s.masked_fill(torch.eye(m, dtype=torch.bool), float("-inf"))
    positives = (torch.arange(m) + m // 2) % m
    return {"loss": F.cross_entropy(s, positives)}


def cases():
    g = torch.Generator().manual_seed(53)
    for name, n, d, tau in [("batch", 4, 8, 0.5), ("one-pair", 1, 5, 0.5), ("sharp", 6, 3, 0.1)]:
        yield Case(name, {"z": torch.randn(2 * n, d, generator=g)}, nt_xent, ["z"], {"tau": tau})
