import torch
from generate import Case


def reparameterize(mu, logvar, eps):
    return {"z": mu + torch.exp(0.5 * logvar) * eps}


def cases():
    g = torch.Generator().manual_seed(47)
    for name, shape in [("batch", (6, 4)), ("one-sample", (1, 8)), ("image-latent", (2, 3, 5))]:
        yield Case(name, {"mu": torch.randn(*shape, generator=g), "logvar": torch.randn(*shape, generator=g),
                          "eps": torch.randn(*shape, generator=g)}, reparameterize, ["mu", "logvar"])
