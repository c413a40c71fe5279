import torch
from optim_cases import schedule_cases, scheduled_lrs


def linear_schedule(t, base_lr, total_steps, end_factor=0.0):
    make = lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=end_factor, total_iters=total_steps)
    return {"out": scheduled_lrs(make, base_lr, t)}


def cases():
    return schedule_cases(linear_schedule, [
        ("to-zero", [0, 1, 5, 9, 10, 15], {"base_lr": 0.1, "total_steps": 10}),
        ("to-quarter", list(range(0, 41, 4)), {"base_lr": 1.0, "total_steps": 32, "end_factor": 0.25}),
        ("one-step", [0, 1, 2], {"base_lr": 0.3, "total_steps": 1, "end_factor": 0.5}),
    ])
