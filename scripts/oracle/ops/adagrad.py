import torch
from optim_cases import torch_step, update_cases


def adagrad(w, dw, cache, lr, eps):
    """torch.optim.Adagrad (lr_decay 0) keeps sum += dw^2 and steps w -= lr*dw/(sqrt(sum) + eps):
    the course's rule with cache = sum, eps outside the square root as in the course."""
    make = lambda ps: torch.optim.Adagrad(ps, lr=lr, eps=eps)
    state = {"step": torch.tensor(0.0), "sum": cache.clone()}
    next_w, after = torch_step(make, w, dw, state)
    return {"next_w": next_w, "next_cache": after["sum"]}


def squares(shape, g):
    return {"cache": torch.randn(shape, generator=g) ** 2}


def cases():
    return update_cases(adagrad, squares, [{"lr": 0.01, "eps": 1e-8}, {"lr": 0.1, "eps": 1e-6}, {"lr": 0.05, "eps": 1e-8}])
