"""Only kerasnet.backend and kerasnet.ops import the engine module kerasnet._C (DESIGN.md)."""

import ast
import os

import kerasnet

PACKAGE = os.path.dirname(kerasnet.__file__)
ALLOWED = ("backend", "ops")


def _imports_engine(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.module == "kerasnet" and any(a.name == "_C" for a in node.names):
                return node.lineno
            if node.module and node.module.startswith("kerasnet._C"):
                return node.lineno
        elif isinstance(node, ast.Import):
            if any(a.name.startswith("kerasnet._C") for a in node.names):
                return node.lineno
    return None


def test_only_backend_and_ops_import_the_engine():
    offenders = []
    for root, _, files in os.walk(PACKAGE):
        rel = os.path.relpath(root, PACKAGE)
        if rel.split(os.sep)[0] in ALLOWED:
            continue
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(root, name)
            with open(path) as f:
                line = _imports_engine(ast.parse(f.read(), path))
            if line is not None:
                offenders.append(f"{os.path.relpath(path, PACKAGE)}:{line}")
    assert not offenders, (
        "These modules import kerasnet._C; go through kerasnet.backend or kerasnet.ops "
        f"instead: {offenders}"
    )
