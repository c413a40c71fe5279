import math

import torch
from generate import Case
from torch.nn.utils.stateless import functional_call

WEIGHTS = ["Wq", "Wk", "Wv", "Wo"]
BIASES = ["bq", "bk", "bv", "bo"]
DIFFERENTIABLE = ["query", "key", "value", *WEIGHTS, *BIASES]


def heads(x, h):
    """(N, L, E) -> (N, h, L, E/h): head i takes columns i·E/h … (i+1)·E/h − 1."""
    n, length, e = x.shape
    return x.view(n, length, h, e // h).transpose(1, 2)


def composed(query, key, value, Wq, Wk, Wv, Wo, bq, bk, bv, bo, mask=None, num_heads=1):
    """Projections x·W + b, per-head softmax(Q·Kᵀ/√(E/h)) with mask = 1 -> −∞, heads concatenated, ·Wo + bo."""
    n, s, e = query.shape
    q, k, v = heads(query @ Wq + bq, num_heads), heads(key @ Wk + bk, num_heads), heads(value @ Wv + bv, num_heads)
    scores = q @ k.transpose(-1, -2) / math.sqrt(e // num_heads)
    if mask is not None:
        scores = scores.masked_fill(mask.bool().unsqueeze(1), float("-inf"))
    attended = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(n, s, e)
    return {"out": attended @ Wo + bo}


def through_module(query, key, value, Wq, Wk, Wv, Wo, bq, bk, bv, bo, mask=None, num_heads=1):
    """nn.MultiheadAttention(batch_first=True) with the weights copied in: it computes x·Wᵀ, so its
    in_proj_weight is [Wqᵀ; Wkᵀ; Wvᵀ] and out_proj.weight is Woᵀ. Its bool attn_mask also means True =
    masked out, per (sample, head) as (N·h, S, T) with sample n's heads at rows n·h … n·h + h − 1."""
    e = query.shape[-1]
    module = torch.nn.MultiheadAttention(e, num_heads, batch_first=True, dtype=torch.float64)
    params = {
        "in_proj_weight": torch.cat([Wq.t(), Wk.t(), Wv.t()]),
        "in_proj_bias": torch.cat([bq, bk, bv]),
        "out_proj.weight": Wo.t(),
        "out_proj.bias": bo,
    }
    attn_mask = None if mask is None else mask.bool().repeat_interleave(num_heads, dim=0)
    out, _ = functional_call(module, params, (query, key, value), {"attn_mask": attn_mask, "need_weights": False})
    return {"out": out}


def cases():
    g = torch.Generator().manual_seed(37)
    for name, forward, n, s, t, e, h, masked in [
        ("one-head", composed, 2, 3, 4, 4, 1, False),
        ("two-heads-masked", composed, 2, 4, 3, 6, 2, True),
        ("batch-1-four-heads", composed, 1, 5, 5, 8, 4, False),
        ("nn-multihead-masked", through_module, 2, 3, 5, 6, 3, True),
    ]:
        inputs = {"query": torch.randn(n, s, e, generator=g), "key": torch.randn(n, t, e, generator=g),
                  "value": torch.randn(n, t, e, generator=g)}
        inputs.update({w: torch.randn(e, e, generator=g) / math.sqrt(e) for w in WEIGHTS})
        inputs.update({b: 0.5 * torch.randn(e, generator=g) for b in BIASES})
        if masked:
            mask = (torch.rand(n, s, t, generator=g) < 0.35).to(torch.int64)
            mask[..., 0] = 0  # every query row keeps a key
            inputs["mask"] = mask
        yield Case(name, inputs, forward, DIFFERENTIABLE, params={"num_heads": h})
