import torch
from generate import Case


def cases():
    """out = x.reshape(N*T, D) @ w + b, viewed back as (N, T, M)."""
    g = torch.Generator().manual_seed(12)
    for name, n, t, d, m in [("small", 2, 3, 4, 5), ("one-step", 3, 1, 2, 6), ("batch-1-long", 1, 12, 5, 3)]:
        inputs = {"x": torch.randn(n, t, d, generator=g), "w": torch.randn(d, m, generator=g), "b": torch.randn(m, generator=g)}
        yield Case(name, inputs, lambda x, w, b: {"out": (x.reshape(-1, x.shape[2]) @ w + b).reshape(x.shape[0], x.shape[1], -1)},
                   ["x", "w", "b"])
