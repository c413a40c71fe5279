import torch
from optim_cases import schedule_cases, scheduled_lrs


def cosine_schedule(t, base_lr, total_steps, min_lr=0.0):
    """CosineAnnealingLR(T_max = total_steps, eta_min = min_lr) for t <= total_steps (after that
    torch's schedule rises again, while the course's is held at min_lr: not compared there)."""
    make = lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=total_steps, eta_min=min_lr)
    return {"out": scheduled_lrs(make, base_lr, t)}


def cases():
    return schedule_cases(cosine_schedule, [
        ("to-zero", list(range(0, 101, 5)), {"base_lr": 0.1, "total_steps": 100}),
        ("with-min", [0, 1, 2, 3, 4, 5, 6, 7], {"base_lr": 1.0, "total_steps": 7, "min_lr": 0.01}),
        ("one-step", [0, 1], {"base_lr": 0.5, "total_steps": 1}),
    ])
