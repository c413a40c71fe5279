import torch
import torch.nn.functional as F
from generate import Case
from ops.max_pool2d import pool_geometries


def avg_pool2d(x, pool_height, pool_width, stride):
    return {"out": F.avg_pool2d(x, (pool_height, pool_width), stride=stride)}


def cases():
    g = torch.Generator().manual_seed(22)
    for name, shape, params in pool_geometries():
        yield Case(name, {"x": torch.randn(*shape, generator=g)}, avg_pool2d, ["x"], params)
