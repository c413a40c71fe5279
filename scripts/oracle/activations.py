"""Cases shared by the elementwise activation oracles (sigmoid, tanh, leaky_relu, elu, selu, gelu)
and the last-axis ones (softmax, log_softmax): x of several shapes, one case per params set."""
import torch
from generate import Case

SHAPES = [("vector", (7,)), ("matrix", (3, 5)), ("nchw", (2, 3, 4, 4))]


def elementwise_cases(seed, fn, params_sets=({},), kink_at_zero=False, scale=3.0):
    """fn(x, **params) -> out; values of sigma `scale`, kept 1e-3 away from 0 where the slope jumps."""
    g = torch.Generator().manual_seed(seed)
    for params in params_sets:
        suffix = "".join("-%s%s" % (k, v) for k, v in params.items())
        for name, shape in SHAPES:
            x = torch.randn(shape, generator=g) * scale
            if kink_at_zero:
                x = torch.where(x.abs() < 1e-3, torch.full_like(x, 1e-3), x)
            yield Case(name + suffix, {"x": x}, lambda x, **p: {"out": fn(x, **p)}, ["x"], dict(params))


def last_axis_cases(seed, fn):
    """fn(x) over the last axis; ranks 1-3, one case offset by 1000 (needs the max-subtraction)."""
    g = torch.Generator().manual_seed(seed)
    for name, shape, offset in [("vector", (6,), 0.0), ("matrix", (4, 7), 0.0), ("rank3", (2, 3, 5), 0.0), ("offset-1000", (3, 4), 1000.0)]:
        x = torch.randn(shape, generator=g) * 4 + offset
        yield Case(name, {"x": x}, lambda x: {"out": fn(x)}, ["x"])
