import torch
import torch.nn.functional as F
from generate import Case


def bce_with_logits(x, y):
    return {"loss": F.binary_cross_entropy_with_logits(x, y)}


def cases():
    g = torch.Generator().manual_seed(41)
    yield Case("matrix", {"x": 3 * torch.randn(5, 4, generator=g), "y": torch.rand(5, 4, generator=g)}, bce_with_logits, ["x"])
    yield Case("hard-targets", {"x": torch.randn(2, 3, 4, generator=g), "y": torch.randint(0, 2, (2, 3, 4), generator=g).double()},
               bce_with_logits, ["x"])
    yield Case("extreme-logits", {"x": torch.tensor([1000.0, -1000.0, 1000.0, -1000.0, 999.5, -0.25]),
                                  "y": torch.tensor([1.0, 0.0, 0.0, 1.0, 0.25, 0.5])}, bce_with_logits, ["x"])
