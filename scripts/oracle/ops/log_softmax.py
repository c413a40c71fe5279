import torch.nn.functional as F
from activations import last_axis_cases


def cases():
    return last_axis_cases(18, lambda x: F.log_softmax(x, dim=-1))
