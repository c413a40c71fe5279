import torch
import torch.nn.functional as F
from generate import Case


def temporal_softmax_loss(x, y, mask):
    """-sum over mask = 1 of log_softmax(x)[y], divided by N (not by the number of unmasked steps)."""
    logp = F.log_softmax(x, dim=-1).gather(-1, y.unsqueeze(-1)).squeeze(-1)
    return {"loss": -(logp * mask.to(x.dtype)).sum() / x.shape[0]}


def cases():
    g = torch.Generator().manual_seed(13)
    for name, n, t, v in [("small", 2, 3, 4), ("captions", 4, 10, 7), ("batch-1", 1, 5, 3)]:
        x = 2 * torch.randn(n, t, v, generator=g)
        y = torch.randint(0, v, (n, t), generator=g).to(torch.int64)
        mask = (torch.rand(n, t, generator=g) < 0.7).to(torch.int64)
        mask[0, -1] = 0  # padding at the end of the first sequence
        yield Case(name, {"x": x, "y": y, "mask": mask}, temporal_softmax_loss, ["x"])
