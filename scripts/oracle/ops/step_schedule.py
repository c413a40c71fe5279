import torch
from optim_cases import schedule_cases, scheduled_lrs


def step_schedule(t, base_lr, step_size, gamma=0.1):
    lr = scheduled_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=step_size, gamma=gamma), base_lr, t)
    return {"out": lr}


def cases():
    return schedule_cases(step_schedule, [
        ("imagenet", [0, 1, 29, 30, 31, 59, 60, 89, 90, 100], {"base_lr": 0.1, "step_size": 30}),
        ("halving", list(range(12)), {"base_lr": 1.0, "step_size": 2, "gamma": 0.5}),
        ("every-step", [0, 1, 2, 3, 7], {"base_lr": 0.01, "step_size": 1, "gamma": 0.9}),
    ])
