import torch.nn.functional as F
from activations import elementwise_cases


def leaky_relu(x, alpha=0.01):
    return F.leaky_relu(x, negative_slope=alpha)


def cases():
    return elementwise_cases(13, leaky_relu, ({}, {"alpha": 0.2}), kink_at_zero=True)
