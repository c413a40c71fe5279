import math

import torch
from generate import Case


def hidden(mask, causal, n, tq, tk):
    """True where key j is hidden from query i: mask = 1 (EECS498 / nn.MultiheadAttention polarity;
    PyTorch 2's F.scaled_dot_product_attention uses the opposite one) or, when causal, j > i."""
    out = torch.zeros(n, tq, tk, dtype=torch.bool) if mask is None else mask.bool()
    if causal:
        out = out | torch.ones(tq, tk, dtype=torch.bool).triu(1)
    return out


def attention(q, k, v, mask=None, causal=False):
    """softmax(q·kᵀ/√D) with hidden scores set to −∞, times v; composed from torch ops."""
    scores = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(hidden(mask, causal, q.shape[0], q.shape[1], k.shape[1]), float("-inf"))
    return {"out": torch.softmax(scores, dim=-1) @ v}


def random_mask(g, n, tq, tk, causal):
    """About a third of the keys masked; a row left without a visible key gets key 0 back."""
    mask = (torch.rand(n, tq, tk, generator=g) < 0.35).to(torch.int64)
    visible = ~hidden(mask, causal, n, tq, tk)
    mask[..., 0] = torch.where(visible.any(-1), mask[..., 0], torch.zeros_like(mask[..., 0]))
    return mask


def cases():
    g = torch.Generator().manual_seed(31)
    for name, n, tq, tk, d, dv, masked, causal in [
        ("cross", 2, 3, 5, 4, 2, False, False),
        ("masked", 2, 4, 6, 3, 5, True, False),
        ("causal", 1, 5, 5, 4, 4, False, True),
        ("causal-masked-batch-1", 1, 6, 4, 2, 3, True, True),
    ]:
        inputs = {"q": torch.randn(n, tq, d, generator=g), "k": torch.randn(n, tk, d, generator=g),
                  "v": torch.randn(n, tk, dv, generator=g)}
        if masked:
            inputs["mask"] = random_mask(g, n, tq, tk, causal)
        yield Case(name, inputs, attention, ["q", "k", "v"], params={"causal": True} if causal else {})
