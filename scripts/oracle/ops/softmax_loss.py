import torch
import torch.nn.functional as F
from generate import Case


def cases():
    g = torch.Generator().manual_seed(4)
    for name, n, c, scale in [("small", 4, 3, 1.0), ("cifar-like", 16, 10, 1.0), ("large-scores", 5, 7, 30.0), ("one-sample", 1, 4, 1.0)]:
        x = torch.randn(n, c, generator=g) * scale
        y = torch.randint(0, c, (n,), generator=g).to(torch.int64)
        yield Case(name, {"x": x, "y": y}, lambda x, y: {"loss": F.cross_entropy(x, y)}, ["x"])
