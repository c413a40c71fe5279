"""k-nearest neighbours: torch.cdist for the distances (direct differences, not the matmul form),
then a majority vote of the k nearest, ordered by distance then index (stable sort); argmax of the
label counts returns the first maximum, i.e. the smallest label on a tie. No backward."""
import torch
from generate import Case


def knn(X_train, y_train, X, k=1, variant="no_loops"):
    dists = torch.cdist(X, X_train, compute_mode="donot_use_mm_for_euclid_dist")
    order = torch.sort(dists, dim=1, stable=True).indices[:, :k]
    votes = y_train[order]
    classes = int(y_train.max()) + 1
    counts = torch.stack([torch.bincount(row, minlength=classes) for row in votes])
    return {"dists": dists, "labels": counts.argmax(dim=1)}


def cases():
    g = torch.Generator().manual_seed(21)
    for name, (m, n, d, classes), params in [
        ("cifar-like-k5", (50, 8, 12, 10), {"k": 5, "variant": "no_loops"}),
        ("k1-two-loops", (20, 6, 3, 4), {"k": 1, "variant": "two_loops"}),
        ("k7-one-loop", (30, 5, 4, 3), {"k": 7, "variant": "one_loop"}),
        ("defaults", (10, 4, 2, 2), {}),
    ]:
        inputs = {
            "X_train": torch.randn(m, d, generator=g),
            "y_train": torch.randint(0, classes, (m,), generator=g).to(torch.int64),
            "X": torch.randn(n, d, generator=g),
        }
        yield Case(name, inputs, knn, [], params, backward=False)
