import torch
from optim_cases import torch_step, update_cases


def momentum_step(w, dw, v, lr, rho, nesterov):
    """PyTorch keeps buf = rho*buf + dw and steps w -= lr*buf; the course keeps v = rho*v - lr*dw and
    steps w += v. With a constant lr they are the same state up to scale, v = -lr*buf, so the
    course's v is handed to torch.optim.SGD as its momentum buffer -v/lr and read back as -lr*buf."""
    state = {"momentum_buffer": -v / lr}
    make = lambda ps: torch.optim.SGD(ps, lr=lr, momentum=rho, nesterov=nesterov)
    next_w, after = torch_step(make, w, dw, state)
    return {"next_w": next_w, "next_v": -lr * after["momentum_buffer"]}


def sgd_momentum(w, dw, v, lr, rho):
    return momentum_step(w, dw, v, lr, rho, nesterov=False)


def velocity(shape, g):
    return {"v": 0.1 * torch.randn(shape, generator=g)}


def cases():
    return update_cases(sgd_momentum, velocity, [{"lr": 0.01, "rho": 0.9}, {"lr": 0.1, "rho": 0.5}, {"lr": 0.05, "rho": 0.99}])
