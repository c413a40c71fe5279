import torch
import torch.nn.functional as F
from generate import Case


def distinct(shape, g):
    """A shuffled grid over [-3, 3): no ties in any window, so the argmax (and its gradient) is unique."""
    n = torch.Size(shape).numel()
    return (torch.randperm(n, generator=g).to(torch.float64) * (6.0 / n) - 3.0).reshape(shape)


def max_pool2d(x, pool_height, pool_width, stride):
    out, indices = F.max_pool2d(x, (pool_height, pool_width), stride=stride, return_indices=True)
    return {"out": out, "indices": indices}


def pool_geometries():
    """The windows max_pool2d and avg_pool2d are checked on: (case name, x shape, params)."""
    for name, shape, (ph, pw, stride) in [
        ("course-2x2-stride2", (2, 3, 4, 4), (2, 2, 2)),
        ("overlapping-3x3-stride1", (1, 2, 5, 6), (3, 3, 1)),
        ("nonsquare-overlap-odd", (2, 2, 7, 5), (3, 2, 2)),
        ("stride-past-window", (1, 3, 6, 7), (2, 1, 3)),
    ]:
        yield name, shape, {"pool_height": ph, "pool_width": pw, "stride": stride}


def cases():
    """F.max_pool2d with return_indices; indices is an integer output without upstream gradient."""
    g = torch.Generator().manual_seed(21)
    for name, shape, params in pool_geometries():
        yield Case(name, {"x": distinct(shape, g)}, max_pool2d, ["x"], params, grad_outputs=["out"])
