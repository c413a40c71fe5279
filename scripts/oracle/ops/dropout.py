"""Inverted dropout composed from torch ops, with the mask drawn by the same counter-based u32 hash
as reference/dropout.ts (reference/init.ts): element i is dropped when
uniform(seed, i) = (pcg(i ^ pcg(seed)) >> 8) * 2**-24 < p. Written here independently in Python, so
the oracle checks the hash as well as the masking and the 1/(1 - p) scaling."""
import torch
from generate import randn_cases

M32 = 0xFFFFFFFF


def pcg(v):
    state = (v * 747796405 + 2891336453) & M32
    word = (((state >> ((state >> 28) + 4)) ^ state) * 277803737) & M32
    return ((word >> 22) ^ word) & M32


def uniform(seed, i):
    return (pcg(i ^ pcg(seed)) >> 8) * 2.0 ** -24


def dropout(x, p=0.5, train=True, seed=0):
    if not train:
        return {"out": x * 1}
    kept = torch.tensor([uniform(seed, i) >= p for i in range(x.numel())]).reshape(x.shape)
    mask = kept.to(x.dtype) * (1 / (1 - p)) if p < 1 else torch.zeros_like(x)
    return {"out": x * mask}


def cases():
    return randn_cases(19, dropout, [
        ("p0.5", (4, 5), {"p": 0.5, "train": True, "seed": 7}),
        ("p0.2-nchw", (2, 3, 4, 4), {"p": 0.2, "train": True, "seed": 123456789}),
        ("p0.9-largest-seed", (50,), {"p": 0.9, "train": True, "seed": 4294967295}),
        ("test-mode", (3, 4), {"p": 0.5, "train": False, "seed": 1}),
        ("defaults", (6, 6), {}),
    ])
