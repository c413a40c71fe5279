import torch
import torch.nn.functional as F
from generate import Case
from ops.max_pool2d import distinct


def max_unpool2d(x, indices, pool_height, pool_width, stride, output_size=None):
    return {"out": F.max_unpool2d(x, indices, (pool_height, pool_width), stride=stride, output_size=output_size)}


def cases():
    """F.max_unpool2d (CPU, float64: deterministic) of what F.max_pool2d returns, and of arbitrary
    distinct positions. Windows never overlap here, so no plane repeats an index."""
    g = torch.Generator().manual_seed(24)
    for name, shape, (ph, pw, stride), resize in [
        ("course-2x2-stride2", (2, 3, 4, 4), (2, 2, 2), False),
        ("odd-size-recovered", (1, 2, 5, 7), (2, 3, 3), True),
        ("nonsquare-windows", (2, 1, 6, 6), (3, 2, 3), False),
    ]:
        params = {"pool_height": ph, "pool_width": pw, "stride": stride}
        x, indices = F.max_pool2d(distinct(shape, g), (ph, pw), stride=stride, return_indices=True)
        if resize:
            params["output_size"] = list(shape[2:])
        yield Case(name, {"x": x, "indices": indices}, max_unpool2d, ["x"], params)
    # Arbitrary distinct positions of a 5×5 output plane (default (2−1)·2 + 3 = 5) for a 2×2 input.
    n, c, h, w = 2, 2, 2, 2
    indices = torch.stack([torch.randperm(25, generator=g)[: h * w] for _ in range(n * c)]).reshape(n, c, h, w)
    yield Case("scattered-positions", {"x": torch.randn(n, c, h, w, generator=g), "indices": indices}, max_unpool2d, ["x"],
               {"pool_height": 3, "pool_width": 3, "stride": 2})
