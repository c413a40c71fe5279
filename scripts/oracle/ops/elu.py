import torch.nn.functional as F
from activations import elementwise_cases


def elu(x, alpha=1.0):
    return F.elu(x, alpha=alpha)


def cases():
    return elementwise_cases(14, elu, ({}, {"alpha": 0.5}), kink_at_zero=True)
