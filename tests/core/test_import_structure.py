"""The Python package imports in one direction (DESIGN.md: layers -> ops -> backend).

Read with `ast`, without importing anything:
- no circle among module-level imports (a package's __init__ runs when one of its
  submodules is imported from outside the package, so it counts as imported too);
- no module-level import of a higher layer of the house (LEVELS below);
- an import kept inside a function says why, in a comment on its line or just above it:
  start-up time, or a mutual dependency that the layering cannot express.
- one that reaches a higher level says "start-up" or "mutual dependency" in that comment; else
  the higher module hands the lower one what it needs at its import (as kerasnet.ops does).
"""

import ast
import pathlib

import pytest

PKG = pathlib.Path(__file__).resolve().parents[2] / "python" / "kerasnet"

# The layers of the house, lowest first; the longest matching prefix names a module's level.
# A module may import its own level and the levels below it at module level.
LEVELS = {
    "kerasnet._C": 0,
    "kerasnet._version": 0,
    "kerasnet.backend": 0,
    "kerasnet.ops": 1,
    # Light helpers on top of ops: seeds, data utilities, config and the serializer.
    "kerasnet.random": 2,
    "kerasnet.utils": 2,
    "kerasnet.config": 2,
    "kerasnet.saving": 2,  # the package itself: object_registration, serialization_lib, file_io, h5_store
    "kerasnet.initializers": 3,
    "kerasnet.activations": 3,
    "kerasnet.regularizers": 3,
    "kerasnet.constraints": 3,
    "kerasnet.layers": 4,
    "kerasnet.losses": 5,
    "kerasnet.metrics": 5,
    "kerasnet.optimizers": 5,
    "kerasnet.callbacks": 6,
    "kerasnet.trainers": 7,
    "kerasnet.models": 8,
    "kerasnet.utils.summary_utils": 8,  # model.summary()'s table
    # The file formats walk whole models.
    "kerasnet.saving.saving_lib": 9,
    "kerasnet.saving.saving_api": 9,
    "kerasnet.saving.legacy_h5": 9,
    "kerasnet.datasets": 10,
    # User code of the public API, and the package facade.
    "kerasnet.examples": 11,
    "kerasnet": 11,
}

# Function-local imports in a file another change is editing; each gets its reason (or moves
# to the top of its module) with that change.
PENDING = set()


def _modules():
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()
KNOWN = set(MODULES) | {"kerasnet._C"}


def _level(module):
    best = max((p for p in LEVELS if module == p or module.startswith(p + ".")), key=len)
    return LEVELS[best]


def _targets(importer, name, fromlist):
    """The kerasnet modules that an import statement runs."""
    out = []
    parts = name.split(".")
    for i in range(2, len(parts) + 1):
        package = ".".join(parts[:i])
        if package not in KNOWN:
            continue
        implied = i < len(parts) or bool(fromlist)
        inside = importer == package or importer.startswith(package + ".")
        # A package runs when its submodule is imported, except from inside the package
        # (its __init__ has started already).
        if implied and inside and not (package == name and any(f"{name}.{f}" not in KNOWN for f in fromlist)):
            continue
        out.append(package)
    for f in fromlist:
        if f"{name}.{f}" in KNOWN:
            out.append(f"{name}.{f}")
    if name == "kerasnet" and (not fromlist or any(f"kerasnet.{f}" not in KNOWN for f in fromlist)):
        out.append("kerasnet")
    return [t for t in dict.fromkeys(out) if t != importer]


def _scan(module, path):
    """(module-level imports, function-local imports) as (line, targets, source line)."""
    source = path.read_text()
    lines = source.splitlines()
    top, local = [], []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                names = [(a.name, []) for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                assert child.level == 0, f"{path}:{child.lineno}: relative import"
                names = [(child.module, [a.name for a in child.names])]
            else:
                names = []
            for name, fromlist in names:
                if name == "kerasnet" or name.startswith("kerasnet."):
                    entry = (child.lineno, _targets(module, name, fromlist), lines[child.lineno - 1].strip())
                    (local if in_function else top).append(entry)
            visit(child, inner)

    visit(ast.parse(source), False)
    return top, local, lines


SCANS = {module: _scan(module, path) for module, path in MODULES.items()}


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(graph.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph.get(nxt, ()))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def test_every_module_has_a_level():
    unplaced = [m for m in MODULES if m != "kerasnet" and _level(m) == LEVELS["kerasnet"]
                and not m.startswith("kerasnet.examples")]
    assert not unplaced, f"add these to LEVELS (a new top-level package?): {unplaced}"


def test_no_module_level_import_cycle():
    graph = {m: sorted({t for _, targets, _ in top for t in targets}) for m, (top, _, _) in SCANS.items()}
    cycles = _cycles(graph)
    assert not cycles, (
        "module-level import circles (move the shared piece down a level, or import it "
        f"where it is used with a comment saying why): {cycles}"
    )


def test_the_sanity_of_the_cycle_finder():
    assert _cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert _cycles({"a": ["b"], "b": []}) == []


def test_no_upward_module_level_import():
    upward = [
        f"{module}:{line} (level {_level(module)}) imports {target} (level {_level(target)}): {text}"
        for module, (top, _, _) in SCANS.items()
        for line, targets, text in top
        for target in targets
        if _level(target) > _level(module)
    ]
    assert not upward, "imports point down only (DESIGN.md):\n" + "\n".join(upward)


def _has_reason(lines, line_no):
    if "#" in lines[line_no - 1]:
        return True
    # The comment may head a run of imports.
    i = line_no - 2
    while i >= 0 and lines[i].strip().startswith(("from kerasnet", "import kerasnet")):
        i -= 1
    return i >= 0 and lines[i].strip().startswith("#")


def test_function_local_imports_say_why():
    silent = [
        f"{MODULES[module].relative_to(PKG.parent)}:{line}: {text}"
        for module, (_, local, lines) in SCANS.items()
        for line, _, text in local
        if not _has_reason(lines, line) and (module, text) not in PENDING
    ]
    assert not silent, (
        "move these imports to the top of their module, or say why they stay in the function "
        "(start-up time, or a mutual dependency) in a comment above them:\n" + "\n".join(silent)
    )


def _reason(lines, line_no):
    """The comment on an import's line and the comment block heading its run of imports."""
    text = [lines[line_no - 1].partition("#")[2]]
    i = line_no - 2
    while i >= 0 and lines[i].strip().startswith(("from kerasnet", "import kerasnet")):
        i -= 1
    while i >= 0 and lines[i].strip().startswith("#"):
        text.append(lines[i].strip().lstrip("#"))
        i -= 1
    return " ".join(text).lower()


# What a function-local import of a higher level of the house may give as its reason.
HIGHER_LEVEL_REASONS = ("start-up", "mutual dependency")


def test_function_local_imports_of_a_higher_level_say_start_up_or_mutual_dependency():
    # The lower module should be handed what it needs at the higher one's import (as kerasnet.ops
    # does for backend.keras_tensor); importing up inside a function is kept only for start-up
    # time (a package `import kerasnet` loads lazily) or a mutual dependency kept as in Keras.
    unexplained = [
        f"{MODULES[module].relative_to(PKG.parent)}:{line} (level {_level(module)}) imports "
        f"{target} (level {_level(target)}): {text}"
        for module, (_, local, lines) in SCANS.items()
        for line, targets, text in local
        for target in targets
        if _level(target) > _level(module)
        and (module, text) not in PENDING
        and not any(r in _reason(lines, line) for r in HIGHER_LEVEL_REASONS)
    ]
    assert not unexplained, (
        "a function-local import of a higher level: register what the lower module needs at the "
        "higher one's import instead, or say why it stays (start-up time, or a mutual dependency "
        "kept as in Keras) in a comment above it:\n" + "\n".join(unexplained)
    )


def test_the_reason_reader():
    lines = ["x = 1", "    # Start-up time: lazy.", "    # More.", "    from kerasnet import a",
             "    from kerasnet import b  # inline"]
    assert "start-up" in _reason(lines, 4) and "more." in _reason(lines, 5) and "inline" in _reason(lines, 5)
    assert _reason(["x = 1", "from kerasnet import a"], 2) == ""


@pytest.mark.parametrize("module, text", sorted(PENDING))
def test_pending_exceptions_are_still_needed(module, text):
    _, local, lines = SCANS[module]
    assert any(t == text and not _has_reason(lines, line) for line, _, t in local), (
        f"{module} no longer has the silent import {text!r}: drop it from PENDING"
    )
