"""Shared by the oracle cases of docs/ops.md "Optimizers, schedules, initialization".

Optimizers: one real torch.optim step on a copy of w, with the optimizer's state set from the
course's state tensors (converted where the conventions differ) and read back after the step.
Schedules: the learning rate of a torch.optim.lr_scheduler stepped up to max(t), read at each t.
(The initializers have no oracle: PyTorch's generator draws other numbers; they are checked
statistically in spec/optimizers.test.ts.)
"""
import warnings

import torch
from generate import Case

SHAPES = [("matrix", (4, 5)), ("vector", (7,)), ("conv-weight", (2, 3, 3, 3))]


def torch_step(make_optimizer, w, dw, state=None):
    """One optimizer step on a copy of w with gradient dw; `state` (a dict) replaces the
    optimizer's state for the parameter before the step. Returns the new w and the state after."""
    p = torch.nn.Parameter(w.detach().clone())
    optimizer = make_optimizer([p])
    if state is not None:
        optimizer.state[p] = state
    p.grad = dw.detach().clone()
    optimizer.step()
    return p.detach().clone(), optimizer.state[p]


def update_cases(forward, make_state, params_list, shapes=SHAPES, prefix=""):
    """One case per (shape, params): w, dw ~ N(0, 1) and the rule's state from `make_state(shape, g)`."""
    g = torch.Generator().manual_seed(11)
    for (name, shape), params in zip(shapes, params_list):
        name = prefix + name
        inputs = {"w": torch.randn(shape, generator=g), "dw": torch.randn(shape, generator=g)}
        inputs.update(make_state(shape, g))
        yield Case(name, inputs, forward, [], params, backward=False)


def scheduled_lrs(make_scheduler, base_lr, t):
    """The learning rate at each step number in t of torch's scheduler (stepped once per step)."""
    p = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([p], lr=base_lr)
    scheduler = make_scheduler(optimizer)
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(int(t.max().item()) + 1):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
    return torch.tensor([lrs[int(s)] for s in t.reshape(-1).tolist()], dtype=torch.float64).reshape(t.shape)


def schedule_cases(forward, cases):
    """`cases`: (name, step numbers, params)."""
    for name, steps, params in cases:
        yield Case(name, {"t": torch.tensor(steps, dtype=torch.float64)}, forward, [], params, backward=False)
