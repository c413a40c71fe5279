import torch
import torch.nn.functional as F
from generate import Case


def global_avg_pool(x):
    return {"out": F.adaptive_avg_pool2d(x, 1).flatten(1)}


def cases():
    """F.adaptive_avg_pool2d to 1×1, flattened to (N, C)."""
    g = torch.Generator().manual_seed(23)
    for name, shape in [("square", (2, 3, 4, 4)), ("nonsquare-odd", (3, 2, 5, 7)), ("one-pixel", (1, 4, 1, 1)), ("large-plane", (1, 2, 16, 12))]:
        yield Case(name, {"x": torch.randn(*shape, generator=g)}, global_avg_pool, ["x"])
