import torch
from optim_cases import torch_step, update_cases
from ops.adagrad import squares


def rmsprop(w, dw, cache, lr, decay, eps):
    """torch.optim.RMSprop (not centered, no momentum) keeps square_avg = alpha*square_avg +
    (1 - alpha)*dw^2 and steps w -= lr*dw/(sqrt(square_avg) + eps): the course's rule with
    alpha = decay, cache = square_avg, eps outside the square root as in the course."""
    make = lambda ps: torch.optim.RMSprop(ps, lr=lr, alpha=decay, eps=eps)
    next_w, after = torch_step(make, w, dw, {"step": 0, "square_avg": cache.clone()})
    return {"next_w": next_w, "next_cache": after["square_avg"]}


def cases():
    return update_cases(rmsprop, squares, [
        {"lr": 0.01, "decay": 0.99, "eps": 1e-8}, {"lr": 0.1, "decay": 0.9, "eps": 1e-8}, {"lr": 1e-3, "decay": 0.99, "eps": 1e-6}])
