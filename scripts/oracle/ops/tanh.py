import torch
from activations import elementwise_cases


def cases():
    return elementwise_cases(12, lambda x: torch.tanh(x))
