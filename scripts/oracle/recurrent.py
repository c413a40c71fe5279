"""Recurrent cells composed from torch ops in the course conventions (OPS.md "Sequence"), shared by
the rnn_* and lstm_* oracle modules. Batch-first; the LSTM's gate blocks are in the order i, f, o, g."""
import torch


def rnn_cell(x, h, Wx, Wh, b):
    return torch.tanh(x @ Wx + h @ Wh + b)


def lstm_cell(x, h, c, Wx, Wh, b):
    i, f, o, g = (x @ Wx + h @ Wh + b).chunk(4, dim=-1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def rnn_sequence(x, h0, Wx, Wh, b):
    h, hs = h0, []
    for t in range(x.shape[1]):
        h = rnn_cell(x[:, t], h, Wx, Wh, b)
        hs.append(h)
    return torch.stack(hs, dim=1)


def lstm_sequence(x, h0, Wx, Wh, b):
    h, c, hs = h0, torch.zeros_like(h0), []
    for t in range(x.shape[1]):
        h, c = lstm_cell(x[:, t], h, c, Wx, Wh, b)
        hs.append(h)
    return torch.stack(hs, dim=1)


def recurrent_inputs(g, n, t, d, h, gates, states):
    """x (N, D) when t is None else (N, T, D), the named states (N, H), Wx, Wh, b with 1/sqrt(fan-in) scaling."""
    inputs = {"x": torch.randn((n, d) if t is None else (n, t, d), generator=g)}
    for name in states:
        inputs[name] = torch.randn(n, h, generator=g)
    inputs["Wx"] = torch.randn(d, gates * h, generator=g) / d ** 0.5
    inputs["Wh"] = torch.randn(h, gates * h, generator=g) / h ** 0.5
    inputs["b"] = 0.5 * torch.randn(gates * h, generator=g)
    return inputs


# (name, N, T, D, H): T = 1, a long sequence, H != D, batch 1
SEQUENCE_SIZES = [("short", 2, 3, 4, 5), ("one-step", 3, 1, 2, 2), ("long", 2, 12, 3, 4), ("batch-1", 1, 10, 5, 3)]
STEP_SIZES = [("small", 3, None, 4, 5), ("batch-1", 1, None, 2, 3), ("wide", 4, None, 7, 2)]
