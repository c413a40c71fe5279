"""Shared by ops/transformer_encoder_layer.py and ops/transformer_decoder_layer.py: random inputs in the
course layout (x·W + b, weights (in, out)) and a forward through PyTorch's own layer with them copied in."""
import math

import torch
from torch.nn.utils.stateless import functional_call

ATTENTION = ["Wq", "Wk", "Wv", "Wo", "bq", "bk", "bv", "bo"]


def module_params(inputs, prefixes):
    """PyTorch computes x·Wᵀ: in_proj_weight is [Wqᵀ; Wkᵀ; Wvᵀ], out_proj and linear weights are transposed."""
    params = {}
    for prefix, module in prefixes.items():
        w = {k: inputs[prefix + "_" + k] for k in ATTENTION}
        params[module + ".in_proj_weight"] = torch.cat([w["Wq"].t(), w["Wk"].t(), w["Wv"].t()])
        params[module + ".in_proj_bias"] = torch.cat([w["bq"], w["bk"], w["bv"]])
        params[module + ".out_proj.weight"] = w["Wo"].t()
        params[module + ".out_proj.bias"] = w["bo"]
    params.update({"linear1.weight": inputs["W1"].t(), "linear1.bias": inputs["b1"],
                   "linear2.weight": inputs["W2"].t(), "linear2.bias": inputs["b2"]})
    for k in range(1, len(prefixes) + 2):
        params["norm%d.weight" % k] = inputs["ln%d_gamma" % k]
        params["norm%d.bias" % k] = inputs["ln%d_beta" % k]
    return params


def layer_case(kind, prefixes, n, length, memory_length, e, h, f, norm_first, masked, seed):
    """Inputs, forward, differentiable names and params of one case; `length` is S (encoder) or T (decoder)."""
    g = torch.Generator().manual_seed(seed + 7 * length + e + h + f)
    stream = "x" if kind == "encoder" else "tgt"
    mask_name = "src_mask" if kind == "encoder" else "tgt_mask"
    inputs = {stream: torch.randn(n, length, e, generator=g)}
    if kind == "decoder":
        inputs["memory"] = torch.randn(n, memory_length, e, generator=g)
    for prefix in prefixes:
        for w in ATTENTION:
            shape = (e, e) if w.startswith("W") else (e,)
            inputs[prefix + "_" + w] = torch.randn(*shape, generator=g) * (1 / math.sqrt(e) if w.startswith("W") else 0.5)
    inputs.update({"W1": torch.randn(e, f, generator=g) / math.sqrt(e), "b1": 0.5 * torch.randn(f, generator=g),
                   "W2": torch.randn(f, e, generator=g) / math.sqrt(f), "b2": 0.5 * torch.randn(e, generator=g)})
    for k in range(1, len(prefixes) + 2):
        inputs["ln%d_gamma" % k] = 1 + 0.3 * torch.randn(e, generator=g)
        inputs["ln%d_beta" % k] = 0.3 * torch.randn(e, generator=g)
    differentiable = list(inputs)
    if masked:
        mask = (torch.rand(n, length, length, generator=g) < 0.35).to(torch.int64)
        mask[..., 0] = 0  # every query row keeps a key
        inputs[mask_name] = mask

    def forward(**t):
        layer_class = torch.nn.TransformerEncoderLayer if kind == "encoder" else torch.nn.TransformerDecoderLayer
        layer = layer_class(e, h, dim_feedforward=f, dropout=0.0, activation="relu", layer_norm_eps=1e-5,
                            batch_first=True, norm_first=norm_first, dtype=torch.float64)
        mask = t.get(mask_name)
        # bool attn_mask: True = masked out, per (sample, head) as (N·h, L, L).
        attn_mask = None if mask is None else mask.bool().repeat_interleave(h, dim=0)
        args = (t["x"],) if kind == "encoder" else (t["tgt"], t["memory"])
        kwargs = {"src_mask": attn_mask} if kind == "encoder" else {"tgt_mask": attn_mask}
        return {"out": functional_call(layer, module_params(t, prefixes), args, kwargs)}

    params = {"num_heads": h, "dim_feedforward": f, "norm_first": norm_first}
    return inputs, forward, differentiable, params
