import torch
import torch.nn.functional as F
from generate import Case


def cases():
    """F.embedding; repeated indices accumulate in dW through autograd."""
    g = torch.Generator().manual_seed(11)
    for name, n, t, v, d in [("repeated", 2, 4, 3, 5), ("one-word", 2, 3, 1, 2), ("batch-1-long", 1, 12, 7, 4)]:
        x = torch.randint(0, v, (n, t), generator=g).to(torch.int64)
        W = torch.randn(v, d, generator=g)
        yield Case(name, {"x": x, "W": W}, lambda x, W: {"out": F.embedding(x, W)}, ["W"])
