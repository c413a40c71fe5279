import torch
from torch.distributions import Normal, kl_divergence
from generate import Case


def kl_gaussian(mu, logvar):
    """KL(N(mu, e^logvar) || N(0, 1)) summed over Z, averaged over N, via torch.distributions."""
    q = Normal(mu, torch.exp(0.5 * logvar))
    p = Normal(torch.zeros_like(mu), torch.ones_like(mu))
    return {"loss": kl_divergence(q, p).sum() / mu.shape[0]}


def cases():
    g = torch.Generator().manual_seed(46)
    for name, n, z in [("batch", 6, 4), ("one-sample", 1, 8), ("wide", 3, 20)]:
        yield Case(name, {"mu": torch.randn(n, z, generator=g), "logvar": torch.randn(n, z, generator=g)}, kl_gaussian, ["mu", "logvar"])
