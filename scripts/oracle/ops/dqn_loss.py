import torch
import torch.nn.functional as F
from generate import Case


def dqn_loss(q, actions, rewards, q_next, done, gamma):
    """mean((Q(s, a) - (r + gamma (1 - done) max_a' Q'(s', a')))^2); the target is detached."""
    q_taken = q.gather(1, actions.long().view(-1, 1)).squeeze(1)
    target = (rewards + gamma * (1 - done) * q_next.max(dim=1).values).detach()
    return {"loss": F.mse_loss(q_taken, target)}


def cases():
    g = torch.Generator().manual_seed(55)
    for name, n, a, gamma in [("batch", 8, 4, 0.99), ("one-transition", 1, 2, 0.9), ("bandit", 6, 3, 0.0)]:
        yield Case(name, {"q": torch.randn(n, a, generator=g), "actions": torch.randint(0, a, (n,), generator=g),
                          "rewards": torch.randn(n, generator=g), "q_next": torch.randn(n, a, generator=g),
                          "done": torch.randint(0, 2, (n,), generator=g).double()},
                   dqn_loss, ["q"], {"gamma": gamma})
