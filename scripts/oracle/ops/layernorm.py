import torch
import torch.nn.functional as F
from generate import Case


def layernorm(x, gamma, beta, eps=1e-5):
    return {"out": F.layer_norm(x, (x.shape[1],), gamma, beta, eps=eps)}


def cases():
    g = torch.Generator().manual_seed(13)
    for name, (n, d), params in [
        ("small", (4, 6), {}),
        ("one-sample-eps", (1, 10), {"eps": 1e-3}),
        ("wide", (16, 32), {}),
        ("two-features", (5, 2), {}),
    ]:
        inputs = {"x": 1.5 * torch.randn(n, d, generator=g) + 0.5, "gamma": torch.randn(d, generator=g), "beta": torch.randn(d, generator=g)}
        yield Case(name, inputs, layernorm, ["x", "gamma", "beta"], params)
