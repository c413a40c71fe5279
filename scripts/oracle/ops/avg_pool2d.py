import torch
import torch.nn.functional as F
from generate import Case


def avg_pool2d(x, pool_height, pool_width, stride):
    return {"out": F.avg_pool2d(x, (pool_height, pool_width), stride=stride)}


def cases():
    g = torch.Generator().manual_seed(22)
    for name, shape, (ph, pw, stride) in [
        ("course-2x2-stride2", (2, 3, 4, 4), (2, 2, 2)),
        ("overlapping-3x3-stride1", (1, 2, 5, 6), (3, 3, 1)),
        ("nonsquare-overlap-odd", (2, 2, 7, 5), (3, 2, 2)),
        ("stride-past-window", (1, 3, 6, 7), (2, 1, 3)),
    ]:
        params = {"pool_height": ph, "pool_width": pw, "stride": stride}
        yield Case(name, {"x": torch.randn(*shape, generator=g)}, avg_pool2d, ["x"], params)
