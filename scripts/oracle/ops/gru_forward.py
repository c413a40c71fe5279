import torch
from generate import Case
from recurrent import SEQUENCE_SIZES, gru_inputs, with_weights


def through_nn_gru(x, h0, weight_ih, weight_hh, bias_ih, bias_hh):
    """torch.nn.GRU itself (batch_first, one layer) with the case's weights in place of its Parameters."""
    _, _, d = x.shape
    h = h0.shape[1]
    gru = with_weights(torch.nn.GRU(d, h, batch_first=True), {
        "weight_ih_l0": weight_ih, "weight_hh_l0": weight_hh, "bias_ih_l0": bias_ih, "bias_hh_l0": bias_hh})
    out, _ = gru(x, h0.unsqueeze(0))
    return {"h": out}


def cases():
    """nn.GRU directly: gates r, z, n with the reset applied after the hidden matmul."""
    g = torch.Generator().manual_seed(19)
    for name, n, t, d, h in SEQUENCE_SIZES:
        inputs = gru_inputs(g, n, t, d, h)
        yield Case(name, inputs, through_nn_gru, list(inputs))
