import torch.nn.functional as F
from activations import last_axis_cases


def cases():
    return last_axis_cases(17, lambda x: F.softmax(x, dim=-1))
