import torch
from generate import Case
from recurrent import SEQUENCE_SIZES, recurrent_inputs, rnn_sequence


def cases():
    """h[:, t] = tanh(x[:, t] @ Wx + h[:, t-1] @ Wh + b), h[:, -1] = h0, as a loop of torch ops."""
    g = torch.Generator().manual_seed(15)
    for name, n, t, d, h in SEQUENCE_SIZES:
        inputs = recurrent_inputs(g, n, t, d, h, 1, ["h0"])
        yield Case(name, inputs, lambda **kw: {"h": rnn_sequence(**kw)}, list(inputs))
