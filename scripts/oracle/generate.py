"""Writes PyTorch oracle case files: fixtures/oracle/<op>/<case>.json (format: fixtures/README.md).

Each module in scripts/oracle/ops/ is named after an op id and defines `cases()`, yielding Case
objects: inputs made by torch from a fixed seed, and a forward written with torch ops in the course
conventions of docs/ops.md. Outputs, a random upstream gradient per output and the autograd gradients of
sum(out * dout) are computed in float64 and written with full precision.
"""
import importlib
import json
import pkgutil
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import torch

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "fixtures" / "oracle"
sys.path.insert(0, str(Path(__file__).resolve().parent))


@dataclass
class Case:
    name: str
    inputs: Dict[str, torch.Tensor]
    forward: Callable[..., Dict[str, torch.Tensor]]
    differentiable: List[str]
    params: dict = field(default_factory=dict)
    backward: bool = True
    # The outputs that get an upstream gradient (the row's gradOutputs); None: all of them.
    grad_outputs: Optional[List[str]] = None


def randn_cases(seed: int, forward: Callable[..., Dict[str, torch.Tensor]], table):
    """One case per (name, x shape, params) of `table`, x ~ N(0, 1) drawn in turn from a generator seeded with `seed`; x is differentiated."""
    g = torch.Generator().manual_seed(seed)
    for name, shape, params in table:
        yield Case(name, {"x": torch.randn(*shape, generator=g)}, forward, ["x"], params)


def tensor_json(t: torch.Tensor) -> str:
    data = t.detach().reshape(-1).tolist()
    return '{"shape": %s, "data": %s}' % (json.dumps(list(t.shape)), json.dumps(data).replace(",", ", ").replace(",  ", ", "))


def group(name: str, tensors: Dict[str, torch.Tensor]) -> str:
    lines = ",\n".join('    %s: %s' % (json.dumps(k), tensor_json(v)) for k, v in tensors.items())
    return '  %s: {\n%s\n  }' % (json.dumps(name), lines)


def evaluate(op: str, case: Case, seed: int) -> str:
    inputs = {k: v.clone().requires_grad_(k in case.differentiable and case.backward) for k, v in case.inputs.items()}
    outputs = case.forward(**inputs, **case.params)
    parts = ['  "op": %s' % json.dumps(op), '  "params": %s' % json.dumps(case.params), group("inputs", case.inputs),
             group("outputs", outputs)]
    if case.backward:
        gen = torch.Generator().manual_seed(seed)
        differentiated = case.grad_outputs or list(outputs)
        dout = {k: torch.randn(outputs[k].shape, generator=gen, dtype=torch.float64) for k in differentiated}
        objective = sum((outputs[k] * dout[k]).sum() for k in dout)
        objective.backward()
        grads = {"d" + k: inputs[k].grad for k in case.differentiable}
        parts += [group("dout", dout), group("grads", grads)]
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(only: List[str]) -> None:
    torch.set_default_dtype(torch.float64)
    modules = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent / "ops")]))
    for i, op in enumerate(m for m in modules if not only or m in only):
        cases = list(importlib.import_module("ops." + op).cases())
        target = OUT / op
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for k, case in enumerate(cases):
            (target / (case.name + ".json")).write_text(evaluate(op, case, 1000 + k))
        print("[%d/%d] %s: %d cases" % (i + 1, len(modules), op, len(cases)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
