"""python/kerasnet/_C.pyi against the engine module: the stub must not lie.

Every function, class and method the stub declares exists in kerasnet._C, with
the parameter names, order and defaults of its pybind11 signature. A binding
the stub does not declare yet is not an error here (adding an op stays four
touches); type checkers then report it as missing.
"""

import ast
import os
import re

import kerasnet
import pytest
from kerasnet import _C

STUB = os.path.join(os.path.dirname(kerasnet.__file__), "_C.pyi")

# Declared in the stub, not by the binding: set in Python (backend/tensor.py), or
# the py::dynamic_attr attribute access of Tensor.
_NOT_BOUND = {"Tensor.__array_priority__", "Tensor.__getattr__", "Tensor.__iter__"}


def _stub():
    with open(STUB) as f:
        return ast.parse(f.read())


def _split_top_level(text):
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in "[({"
        depth -= ch in "])}"
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return [p for p in parts + [cur.strip()] if p]


def _runtime_params(obj, name):
    """[(name, has_default)] from the first line of a pybind11 docstring."""
    doc = (obj.__doc__ or "").lstrip()
    m = re.match(rf"{re.escape(name)}\((.*)\) -> ", doc.splitlines()[0] if doc else "")
    assert m, f"{name}: no pybind11 signature in its docstring: {doc[:80]!r}"
    params = []
    for p in _split_top_level(m.group(1)):
        if p.startswith("*"):
            continue
        params.append((p.split(":")[0].split("=")[0].strip(), "=" in p))
    return params


def _stub_params(fn):
    a = fn.args
    positional = a.posonlyargs + a.args
    n_default = len(a.defaults)
    out = []
    for i, arg in enumerate(positional):
        out.append((arg.arg, i >= len(positional) - n_default, i < len(a.posonlyargs)))
    return [p for p in out if p[0] != "self"]


def _check_signature(fn, obj, qualname):
    runtime = _runtime_params(obj, fn.name)
    if runtime and runtime[0][0] == "self":
        runtime = runtime[1:]
    stub = _stub_params(fn)
    assert len(stub) == len(runtime), f"{qualname}: stub {stub} vs binding {runtime}"
    for (s_name, s_default, s_posonly), (r_name, r_default) in zip(stub, runtime):
        # pybind11 names unnamed arguments arg0, arg1, ...: positional-only in the stub
        # (operator methods are called positionally anyway).
        if re.fullmatch(r"arg\d+", r_name):
            assert s_posonly or fn.name.startswith("__"), (
                f"{qualname}: `{s_name}` is unnamed in the binding; mark it positional-only (/)"
            )
        else:
            assert s_name == r_name, f"{qualname}: stub parameter `{s_name}`, binding `{r_name}`"
        assert s_default == r_default, f"{qualname}: `{s_name}` default differs between stub and binding"


def _entries():
    for node in _stub().body:
        if isinstance(node, ast.FunctionDef):
            yield pytest.param(node, None, id=node.name)
        elif isinstance(node, ast.ClassDef):
            yield pytest.param(node, None, id=node.name)
            for member in node.body:
                if isinstance(member, (ast.FunctionDef, ast.AnnAssign)):
                    yield pytest.param(member, node.name, id=f"{node.name}.{_name(member)}")


def _name(node):
    return node.target.id if isinstance(node, ast.AnnAssign) else node.name


def test_stub_ships_beside_the_engine():
    assert os.path.isfile(STUB), f"{STUB} is missing (the wheel must ship python/kerasnet/_C.pyi)"


@pytest.mark.parametrize("node, owner", list(_entries()))
def test_stub_entry_matches_the_binding(node, owner):
    qualname = _name(node) if owner is None else f"{owner}.{_name(node)}"
    if qualname in _NOT_BOUND:
        return
    scope = _C if owner is None else getattr(_C, owner)
    assert hasattr(scope, _name(node)), f"_C.pyi declares {qualname}, which kerasnet._C does not have"
    if not isinstance(node, ast.FunctionDef):
        return
    is_property = any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list)
    if is_property or node.name in ("__init__",) and owner == "RecordingPaused":
        return
    obj = getattr(scope, node.name)
    if "Overloaded function" in (obj.__doc__ or ""):
        return
    _check_signature(node, obj, qualname)
