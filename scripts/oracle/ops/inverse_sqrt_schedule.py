import math

import torch
from optim_cases import schedule_cases, scheduled_lrs


def inverse_sqrt_schedule(t, base_lr, warmup_steps=1):
    """No built-in PyTorch scheduler: LambdaLR with the factor sqrt(warmup / max(t, warmup))."""
    factor = lambda s: math.sqrt(warmup_steps / max(s, warmup_steps))
    return {"out": scheduled_lrs(lambda o: torch.optim.lr_scheduler.LambdaLR(o, factor), base_lr, t)}


def cases():
    return schedule_cases(inverse_sqrt_schedule, [
        ("default", [0, 1, 2, 4, 16, 100], {"base_lr": 0.1}),
        ("warmup-25", [0, 10, 24, 25, 26, 100, 400], {"base_lr": 1.0, "warmup_steps": 25}),
        ("warmup-3", list(range(10)), {"base_lr": 0.01, "warmup_steps": 3}),
    ])
