import torch
from generate import Case
from recurrent import SEQUENCE_SIZES, lstm_sequence, recurrent_inputs


def ifog_to_ifgo(w):
    """Reorders the gate blocks of the last axis from the course's i, f, o, g to nn.LSTM's i, f, g, o."""
    i, f, o, g = w.chunk(4, dim=-1)
    return torch.cat([i, f, g, o], dim=-1)


def through_nn_lstm(x, h0, Wx, Wh, b):
    """The same LSTM run by torch.nn.LSTM: weights transposed to (4H, ·) with the gate blocks permuted,
    the bias in bias_ih and zero in bias_hh, c0 = 0. Autograd carries the gradients back through the
    permutation to Wx, Wh, b, so the case file's expected values come from nn.LSTM itself."""
    n, _, d = x.shape
    h = h0.shape[1]
    lstm = torch.nn.LSTM(d, h, batch_first=True)
    weights = {"weight_ih_l0": ifog_to_ifgo(Wx).t(), "weight_hh_l0": ifog_to_ifgo(Wh).t(),
               "bias_ih_l0": ifog_to_ifgo(b), "bias_hh_l0": torch.zeros(4 * h)}
    for name, value in weights.items():
        delattr(lstm, name)  # a plain tensor in place of the Parameter (nn.RNNBase keeps _flat_weights in step)
        setattr(lstm, name, value)
    out, _ = lstm(x, (h0.unsqueeze(0), torch.zeros(1, n, h)))
    return {"h": out}


def cases():
    """Composed from torch ops with gates i, f, o, g; plus nn.LSTM on permuted weights, which must agree."""
    g = torch.Generator().manual_seed(17)
    for name, n, t, d, h in SEQUENCE_SIZES:
        inputs = recurrent_inputs(g, n, t, d, h, 4, ["h0"])
        yield Case(name, inputs, lambda **kw: {"h": lstm_sequence(**kw)}, list(inputs))
    inputs = recurrent_inputs(g, 2, 11, 3, 4, 4, ["h0"])
    composed, nn = lstm_sequence(**inputs), through_nn_lstm(**inputs)["h"]
    assert torch.allclose(composed, nn, rtol=0, atol=1e-12), "nn.LSTM with permuted gates differs from the i, f, o, g cell"
    yield Case("nn-lstm-permuted-gates", inputs, through_nn_lstm, list(inputs))
