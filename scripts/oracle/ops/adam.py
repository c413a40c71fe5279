import torch
from optim_cases import SHAPES, torch_step, update_cases


def adam(w, dw, m, v, t, lr, beta1, beta2, eps):
    """torch.optim.Adam (amsgrad off) increments step before use and steps
    w -= lr/(1 - beta1^t) * m / (sqrt(v)/sqrt(1 - beta2^t) + eps): the course's bias-corrected
    rule with m = exp_avg, v = exp_avg_sq, t = step."""
    make = lambda ps: torch.optim.Adam(ps, lr=lr, betas=(beta1, beta2), eps=eps, amsgrad=False, foreach=False)
    state = {"step": torch.tensor(float(t.item())), "exp_avg": m.clone(), "exp_avg_sq": v.clone()}
    next_w, after = torch_step(make, w, dw, state)
    return {"next_w": next_w, "next_m": after["exp_avg"], "next_v": after["exp_avg_sq"],
            "next_t": after["step"].to(torch.float64).reshape(())}


def moments(step):
    def make(shape, g):
        m = 0.1 * torch.randn(shape, generator=g)
        v = m ** 2 + 0.01 * torch.randn(shape, generator=g) ** 2
        return {"m": m, "v": v, "t": torch.tensor(float(step))}
    return make


def cases():
    # The first step from zero moments; then step 42 with other betas.
    zero = lambda shape, g: {"m": torch.zeros(shape), "v": torch.zeros(shape), "t": torch.tensor(0.0)}
    yield from update_cases(adam, zero, [{"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}], SHAPES[:1], "first-step-")
    yield from update_cases(adam, moments(41), [{"lr": 0.01, "beta1": 0.5, "beta2": 0.99, "eps": 1e-6},
                                                {"lr": 0.1, "beta1": 0.8, "beta2": 0.95, "eps": 1e-8}], SHAPES[1:], "step-42-")
