import torch
from optim_cases import schedule_cases, scheduled_lrs


def linear_warmup_schedule(t, base_lr, warmup_steps):
    """No built-in PyTorch scheduler starts from 0 (LinearLR needs start_factor > 0): LambdaLR with
    the factor min(1, t / warmup)."""
    factor = lambda s: min(1.0, s / warmup_steps)
    return {"out": scheduled_lrs(lambda o: torch.optim.lr_scheduler.LambdaLR(o, factor), base_lr, t)}


def cases():
    return schedule_cases(linear_warmup_schedule, [
        ("warmup-10", [0, 1, 5, 9, 10, 11, 20], {"base_lr": 0.1, "warmup_steps": 10}),
        ("warmup-1", [0, 1, 2], {"base_lr": 1.0, "warmup_steps": 1}),
        ("warmup-7", list(range(12)), {"base_lr": 0.003, "warmup_steps": 7}),
    ])
