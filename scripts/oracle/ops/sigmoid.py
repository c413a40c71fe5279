import torch
from activations import elementwise_cases


def cases():
    return elementwise_cases(11, lambda x: torch.sigmoid(x))
