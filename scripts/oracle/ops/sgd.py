import torch
from optim_cases import torch_step, update_cases


def sgd(w, dw, lr):
    """torch.optim.SGD without momentum is the course's w - lr*dw."""
    next_w, _ = torch_step(lambda ps: torch.optim.SGD(ps, lr=lr), w, dw)
    return {"next_w": next_w}


def cases():
    return update_cases(sgd, lambda shape, g: {}, [{"lr": 0.01}, {"lr": 0.1}, {"lr": 1e-3}])
