import math

import torch
from generate import Case


def forward(prev_h, A):
    """scores = prev_h·A over the D_a² positions / √H, softmax over them, attn = Σ weights·A."""
    n, h, da, _ = A.shape
    flat = A.reshape(n, h, da * da)
    weights = torch.softmax(torch.bmm(prev_h.unsqueeze(1), flat) / math.sqrt(h), dim=-1)  # (N, 1, P)
    attn = torch.bmm(flat, weights.transpose(1, 2)).squeeze(2)
    return {"attn": attn, "attn_weights": weights.reshape(n, da, da)}


def via_einsum(prev_h, A):
    """The same step written with einsum over the unflattened grid and a softmax over both grid axes."""
    n, h, da, _ = A.shape
    scores = torch.einsum("nh,nhij->nij", prev_h, A) / math.sqrt(h)
    weights = torch.softmax(scores.reshape(n, -1), dim=-1).reshape(n, da, da)
    return {"attn": torch.einsum("nhij,nij->nh", A, weights), "attn_weights": weights}


def cases():
    g = torch.Generator().manual_seed(53)
    for name, fn, n, h, da in [
        ("captioner-4x4", forward, 2, 5, 4),
        ("batch-1-grid-1x1", forward, 1, 3, 1),
        ("odd-grid", forward, 3, 7, 3),
        ("einsum", via_einsum, 2, 6, 2),
    ]:
        inputs = {"prev_h": torch.randn(n, h, generator=g), "A": torch.randn(n, h, da, da, generator=g)}
        yield Case(name, inputs, fn, ["prev_h", "A"])
