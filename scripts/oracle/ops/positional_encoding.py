import math

import torch
from generate import Case


def positional_encoding(positions, E):
    """PE[t, 2i] = sin(p / 10000^(2i/E)), PE[t, 2i+1] = cos(p / 10000^(2i/E)), p = positions[t]
    (the frequencies as in the PyTorch transformer tutorial: exp(2i·(−ln 10000 / E)))."""
    freq = torch.exp(torch.arange(0, E, 2, dtype=torch.float64) * (-math.log(10000.0) / E))
    angles = positions.to(torch.float64).unsqueeze(1) * freq
    out = torch.zeros(positions.shape[0], E)
    out[:, 0::2] = torch.sin(angles)
    out[:, 1::2] = torch.cos(angles[:, : E // 2])
    return {"out": out}


def cases():
    for name, positions, e in [
        ("table", torch.arange(10), 16),
        ("odd-E", torch.arange(7), 5),
        ("offset", torch.arange(40, 46), 8),
    ]:
        yield Case(name, {"positions": positions.to(torch.int64)}, positional_encoding, [], params={"E": e}, backward=False)
