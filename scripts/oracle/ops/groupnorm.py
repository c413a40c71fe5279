import torch
import torch.nn.functional as F
from generate import Case


def groupnorm(x, gamma, beta, G, eps=1e-5):
    return {"out": F.group_norm(x, G, gamma, beta, eps=eps)}


def cases():
    g = torch.Generator().manual_seed(14)
    for name, shape, params in [
        ("groups2", (2, 4, 3, 3), {"G": 2}),
        ("layer-G1", (2, 3, 4, 5), {"G": 1}),
        ("instance-G-eq-C", (3, 4, 2, 3), {"G": 4}),
        ("groups3-eps-batch1", (1, 6, 5, 4), {"G": 3, "eps": 1e-3}),
    ]:
        c = shape[1]
        inputs = {"x": 1.5 * torch.randn(*shape, generator=g) + 0.5, "gamma": torch.randn(c, generator=g), "beta": torch.randn(c, generator=g)}
        yield Case(name, inputs, groupnorm, ["x", "gamma", "beta"], params)
