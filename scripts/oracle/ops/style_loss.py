import torch
from generate import Case


def gram(features):
    _, c, h, w = features.shape
    f = features.reshape(c, h * w)
    return (f @ f.t() / (h * w * c)).unsqueeze(0)


def style_loss(style_layers, style_weights, **tensors):
    """sum_l w_l * sum((gram(feats[style_layers[l]]) - style_targets_l)^2), normalized Gram."""
    # 0·Σ feats: a feature map that is no style layer gets a zero gradient (not None)
    loss = sum(0 * t.sum() for name, t in tensors.items() if name.startswith("feats_"))
    for l, (k, w) in enumerate(zip(style_layers, style_weights)):
        loss = loss + w * ((gram(tensors["feats_%d" % k]) - tensors["style_targets_%d" % l]) ** 2).sum()
    return {"loss": loss}


def cases():
    g = torch.Generator().manual_seed(51)
    for name, shapes, layers, weights in [
        ("two-of-three", [(1, 4, 5, 5), (1, 6, 3, 3), (1, 3, 2, 4)], [0, 2], [200.0, 2.0]),
        ("reversed-layers", [(1, 2, 4, 3), (1, 5, 2, 2), (1, 3, 3, 3)], [2, 1], [30.0, 0.5]),
        ("last-two", [(1, 3, 6, 4), (1, 4, 4, 4), (1, 8, 2, 2)], [1, 2], [1.0, 50.0]),
        # L = 2 with one style layer: one target, and feats_0 gets a zero gradient (appended last so
        # the generator's draws for the cases above, and their files, stay the same)
        ("two-maps-one-layer", [(1, 3, 4, 2), (1, 5, 3, 3)], [1], [10.0]),
    ]:
        feats = {"feats_%d" % k: torch.randn(*s, generator=g) for k, s in enumerate(shapes)}
        targets = {"style_targets_%d" % l: gram(torch.randn(1, shapes[k][1], 3, 3, generator=g)) for l, k in enumerate(layers)}
        yield Case(name, {**feats, **targets}, style_loss, list(feats), {"style_layers": layers, "style_weights": weights})
