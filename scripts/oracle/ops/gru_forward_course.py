import torch
from generate import Case
from recurrent import SEQUENCE_SIZES, gru_course_sequence, gru_inputs


def cases():
    """Composed from torch ops: nn.GRU's inputs and gate order, the reset gate applied before W_hn."""
    g = torch.Generator().manual_seed(23)
    for name, n, t, d, h in SEQUENCE_SIZES:
        inputs = gru_inputs(g, n, t, d, h)
        yield Case(name, inputs, lambda **kw: {"h": gru_course_sequence(**kw)}, list(inputs))
