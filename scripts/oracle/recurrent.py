"""Recurrent cells composed from torch ops in the course conventions (docs/ops.md "Sequence"), shared by
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


def gru_inputs(g, n, t, d, h):
    """x (N, T, D), h0 (N, H) and nn.GRU's weight_ih (3H, D), weight_hh (3H, H), bias_ih, bias_hh (3H)."""
    return {"x": torch.randn(n, t, d, generator=g), "h0": torch.randn(n, h, generator=g),
            "weight_ih": torch.randn(3 * h, d, generator=g) / d ** 0.5,
            "weight_hh": torch.randn(3 * h, h, generator=g) / h ** 0.5,
            "bias_ih": 0.5 * torch.randn(3 * h, generator=g), "bias_hh": 0.5 * torch.randn(3 * h, generator=g)}


def with_weights(module, weights):
    """`module` (an nn.RNN/LSTM/GRU) running on the given tensors in place of its Parameters, so autograd
    carries gradients back to them (nn.RNNBase keeps _flat_weights in step with setattr)."""
    for name, value in weights.items():
        delattr(module, name)
        setattr(module, name, value)
    return module


def gru_course_sequence(x, h0, weight_ih, weight_hh, bias_ih, bias_hh):
    """The deeplearning.ai GRU: like nn.GRU (r, z, n) but n = tanh(W_in x + b_in + W_hn (r h) + b_hn)."""
    w_hr, w_hz, w_hn = weight_hh.chunk(3, dim=0)
    b_hr, b_hz, b_hn = bias_hh.chunk(3, dim=0)
    h, hs = h0, []
    for t in range(x.shape[1]):
        i_r, i_z, i_n = (x[:, t] @ weight_ih.t() + bias_ih).chunk(3, dim=-1)
        r = torch.sigmoid(i_r + h @ w_hr.t() + b_hr)
        z = torch.sigmoid(i_z + h @ w_hz.t() + b_hz)
        n = torch.tanh(i_n + (r * h) @ w_hn.t() + b_hn)
        h = (1 - z) * n + z * h
        hs.append(h)
    return torch.stack(hs, dim=1)
