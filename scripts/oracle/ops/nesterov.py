from ops.sgd_momentum import momentum_step, velocity
from optim_cases import update_cases


def nesterov(w, dw, v, lr, rho):
    """torch.optim.SGD(nesterov=True) steps w -= lr*(dw + rho*buf'), which with v = -lr*buf is the
    course's w += -rho*v + (1 + rho)*v'."""
    return momentum_step(w, dw, v, lr, rho, nesterov=True)


def cases():
    return update_cases(nesterov, velocity, [{"lr": 0.01, "rho": 0.9}, {"lr": 0.1, "rho": 0.5}, {"lr": 0.05, "rho": 0.99}])
