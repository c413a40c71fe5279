import torch
from generate import Case
from recurrent import with_weights

# The cell ops' own weights per layer and direction (reference/stacked_rnn.ts), as (name, shape) for
# input size d and hidden size h; rnn and lstm in the course's (D, G) layout with one bias.
SHAPES = {
    "rnn": lambda d, h: [("Wx", (d, h)), ("Wh", (h, h)), ("b", (h,))],
    "lstm": lambda d, h: [("Wx", (d, 4 * h)), ("Wh", (h, 4 * h)), ("b", (4 * h,))],
    "gru": lambda d, h: [("weight_ih", (3 * h, d)), ("weight_hh", (3 * h, h)), ("bias_ih", (3 * h,)), ("bias_hh", (3 * h,))],
}
MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def layout(cell, num_layers, dirs, d, h):
    """[(suffix, {name: (offset, shape)})] per layer and direction, in the flat vector's order."""
    slots, offset = [], 0
    for layer in range(num_layers):
        for direction in range(dirs):
            named = {}
            for name, shape in SHAPES[cell](d if layer == 0 else dirs * h, h):
                named[name] = (offset, shape)
                offset += torch.Size(shape).numel()
            slots.append(("_l%d%s" % (layer, "_reverse" if direction else ""), named))
    return slots, offset


def ifog_to_ifgo(w):
    """Reorders gate blocks of the last axis from the course's i, f, o, g to nn.LSTM's i, f, g, o."""
    i, f, o, g = w.chunk(4, dim=-1)
    return torch.cat([i, f, g, o], dim=-1)


def as_nn(cell, w):
    """A direction's cell-op weights as nn's weight_ih, weight_hh, bias_ih, bias_hh: rnn and lstm
    transposed to (G, ·), lstm's gate blocks permuted, the one bias in bias_ih and 0 in bias_hh."""
    if cell == "gru":
        return w
    order = ifog_to_ifgo if cell == "lstm" else (lambda v: v)
    return {"weight_ih": order(w["Wx"]).t(), "weight_hh": order(w["Wh"]).t(), "bias_ih": order(w["b"]),
            "bias_hh": torch.zeros(w["b"].shape[0])}


def through_nn(x, h0, weights, cell, num_layers, bidirectional):
    """nn.RNN / nn.LSTM / nn.GRU (batch_first) with the flat vector's slices in place of its Parameters;
    autograd carries the gradients back through the slicing, transposes and permutations."""
    n, _, d = x.shape
    h = h0.shape[2]
    dirs = 2 if bidirectional else 1
    slots, _ = layout(cell, num_layers, dirs, d, h)
    tensors = {}
    for suffix, named in slots:
        w = {name: weights[o:o + torch.Size(s).numel()].reshape(s) for name, (o, s) in named.items()}
        tensors.update({k + suffix: v for k, v in as_nn(cell, w).items()})
    module = with_weights(MODULES[cell](d, h, num_layers, batch_first=True, bidirectional=bidirectional), tensors)
    state = (h0, torch.zeros_like(h0)) if cell == "lstm" else h0
    out, _ = module(x, state)
    return {"h": out}


def stacked_inputs(g, cell, num_layers, dirs, n, t, d, h):
    """x, h0 and the flat weights, matrices scaled by 1/sqrt(fan-in), biases by 0.5."""
    slots, size = layout(cell, num_layers, dirs, d, h)
    weights = torch.empty(size)
    for layer, (_, named) in enumerate(slots):
        for name, (o, s) in named.items():
            fan_in = (d if layer < dirs else dirs * h) if name in ("Wx", "weight_ih") else h
            scale = 0.5 if len(s) == 1 else fan_in ** -0.5
            weights[o:o + torch.Size(s).numel()] = scale * torch.randn(torch.Size(s).numel(), generator=g)
    return {"x": torch.randn(n, t, d, generator=g), "h0": torch.randn(num_layers * dirs, n, h, generator=g), "weights": weights}


# (cell, num_layers, bidirectional, N, T, D, H)
CASES = [("rnn", 2, True, 2, 5, 3, 4), ("lstm", 2, True, 2, 4, 3, 2), ("gru", 2, True, 3, 11, 2, 3),
         ("gru", 2, True, 1, 1, 4, 2), ("lstm", 3, False, 2, 6, 2, 3), ("rnn", 1, True, 1, 10, 5, 2)]


def cases():
    """nn.RNN, nn.LSTM and nn.GRU themselves with num_layers = 2 and bidirectional = True, plus T = 1,
    three unidirectional layers, one bidirectional layer."""
    g = torch.Generator().manual_seed(29)
    for cell, layers, bidirectional, n, t, d, h in CASES:
        inputs = stacked_inputs(g, cell, layers, 2 if bidirectional else 1, n, t, d, h)
        params = {"cell": cell, "num_layers": layers, "bidirectional": bidirectional}
        name = "%s-%d-layers-%s-T%d" % (cell, layers, "bidirectional" if bidirectional else "forward", t)
        yield Case(name, inputs, through_nn, list(inputs), params=params)
