from ops.batchnorm import batchnorm_cases


def cases():
    """The course's batch norm per channel over N, H, W (see batchnorm.py for the running statistics)."""
    return batchnorm_cases(12, [
        ("train", (4, 3, 5, 5), {"mode": "train"}),
        ("train-nonsquare-momentum", (2, 4, 3, 6), {"mode": "train", "momentum": 0.7}),
        ("batch-of-1", (1, 3, 2, 3), {"mode": "train", "eps": 1e-3}),
        ("test", (3, 2, 4, 3), {"mode": "test"}),
    ])
