import torch
from generate import Case
from recurrent import STEP_SIZES, recurrent_inputs, rnn_cell


def cases():
    """next_h = tanh(x @ Wx + prev_h @ Wh + b)."""
    g = torch.Generator().manual_seed(14)
    for name, n, _, d, h in STEP_SIZES:
        inputs = recurrent_inputs(g, n, None, d, h, 1, ["prev_h"])
        yield Case(name, inputs, lambda x, prev_h, Wx, Wh, b: {"next_h": rnn_cell(x, prev_h, Wx, Wh, b)}, list(inputs))
