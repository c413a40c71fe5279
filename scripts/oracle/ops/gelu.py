import torch.nn.functional as F
from activations import elementwise_cases


def gelu(x, approximate="none"):
    return F.gelu(x, approximate=approximate)


def cases():
    return elementwise_cases(16, gelu, ({}, {"approximate": "tanh"}))
