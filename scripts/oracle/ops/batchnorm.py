import torch
import torch.nn.functional as F
from generate import Case


def batchnorm(x, gamma, beta, running_mean, running_var, mode, eps=1e-5, momentum=0.9):
    """The course's batch norm on (N, D) or, per channel, (N, C, H, W).
    Train: F.batch_norm with batch statistics (it normalizes with the biased variance); the running
    statistics follow the course's rule momentum*running + (1 - momentum)*batch with the biased
    batch variance, composed here, because PyTorch's own update weights the batch by `momentum` and
    blends in the unbiased variance. They are outputs without a gradient (grad_outputs: out only).
    Test: normalize with the running statistics, which come back unchanged."""
    if mode == "test":
        out = F.batch_norm(x, running_mean, running_var, gamma, beta, training=False, eps=eps)
        return {"out": out, "running_mean": running_mean.clone(), "running_var": running_var.clone()}
    out = F.batch_norm(x, None, None, gamma, beta, training=True, eps=eps)
    dims = [0] + list(range(2, x.dim()))
    with torch.no_grad():
        mean = x.mean(dim=dims)
        var = x.var(dim=dims, unbiased=False)
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    return {"out": out, "running_mean": new_mean, "running_var": new_var}


def batchnorm_cases(seed, shapes):
    """Cases for the batchnorms: (name, x shape, params) with x ~ N(0.5, 1.5²), running_var in [0.5, 2]."""
    g = torch.Generator().manual_seed(seed)
    for name, shape, params in shapes:
        c = shape[1]
        inputs = {
            "x": 1.5 * torch.randn(*shape, generator=g) + 0.5,
            "gamma": torch.randn(c, generator=g),
            "beta": torch.randn(c, generator=g),
            "running_mean": torch.randn(c, generator=g),
            "running_var": 0.5 + 1.5 * torch.rand(c, generator=g),
        }
        yield Case(name, inputs, batchnorm, ["x", "gamma", "beta"], params, grad_outputs=["out"])


def cases():
    return batchnorm_cases(11, [
        ("train", (8, 5), {"mode": "train"}),
        ("train-momentum-eps", (4, 3), {"mode": "train", "momentum": 0.5, "eps": 1e-3}),
        ("batch-of-2", (2, 6), {"mode": "train"}),
        ("test", (6, 4), {"mode": "test"}),
        ("test-eps", (3, 2), {"mode": "test", "eps": 0.1}),
    ])
