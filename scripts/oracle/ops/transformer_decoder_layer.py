from generate import Case
from transformer_layer import layer_case

# nn.TransformerDecoderLayer(batch_first=True, dropout=0.0, activation relu) with the weights copied in.
PREFIXES = {"self": "self_attn", "cross": "multihead_attn"}


def cases():
    for name, n, t, s, e, h, f, norm_first, masked in [
        ("post-norm", 2, 3, 4, 4, 1, 6, False, False),
        ("pre-norm", 2, 4, 2, 6, 2, 5, True, False),
        ("post-norm-masked-batch-1", 1, 5, 3, 8, 4, 7, False, True),
        ("pre-norm-masked", 2, 3, 5, 6, 3, 4, True, True),
    ]:
        inputs, forward, differentiable, params = layer_case("decoder", PREFIXES, n, t, s, e, h, f, norm_first, masked, seed=43)
        yield Case(name, inputs, forward, differentiable, params=params)
