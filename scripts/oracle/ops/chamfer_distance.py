import torch
from generate import Case


def chamfer_distance(P, Q):
    """sum_p min_q |p-q|^2 + sum_q min_p |q-p|^2, from torch.cdist (squared)."""
    d = torch.cdist(P, Q) ** 2
    return {"loss": d.min(dim=1).values.sum() + d.min(dim=0).values.sum()}


def cases():
    g = torch.Generator().manual_seed(54)
    for name, n, m in [("clouds", 12, 9), ("one-point", 1, 5), ("shifted", 20, 20)]:
        P = torch.randn(n, 3, generator=g)
        Q = torch.randn(m, 3, generator=g) + 0.3
        yield Case(name, {"P": P, "Q": Q}, chamfer_distance, ["P", "Q"])
