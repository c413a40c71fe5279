import torch.nn.functional as F
from generate import randn_cases
from ops.max_pool2d import pool_geometries


def avg_pool2d(x, pool_height, pool_width, stride):
    return {"out": F.avg_pool2d(x, (pool_height, pool_width), stride=stride)}


def cases():
    return randn_cases(22, avg_pool2d, pool_geometries())
