import torch
from generate import Case
from recurrent import STEP_SIZES, lstm_cell, recurrent_inputs


def lstm_step(x, prev_h, prev_c, Wx, Wh, b):
    next_h, next_c = lstm_cell(x, prev_h, prev_c, Wx, Wh, b)
    return {"next_h": next_h, "next_c": next_c}


def cases():
    """Gate blocks i, f, o, g (the course's order); both outputs get an upstream gradient."""
    g = torch.Generator().manual_seed(16)
    for name, n, _, d, h in STEP_SIZES:
        inputs = recurrent_inputs(g, n, None, d, h, 4, ["prev_h", "prev_c"])
        yield Case(name, inputs, lstm_step, list(inputs))
