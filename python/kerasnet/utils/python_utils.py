"""Function (de)serialization for Lambda layers: marshal'd bytecode, base64-encoded."""

import base64
import marshal
import types


def func_dump(func):
    """(code, defaults, closure) of a function, the code as base64 bytecode."""
    raw = marshal.dumps(func.__code__)
    code = base64.b64encode(raw).decode("ascii")
    defaults = func.__defaults__
    closure = tuple(c.cell_contents for c in func.__closure__) if func.__closure__ else None
    return code, defaults, closure


def func_load(code, defaults=None, closure=None, globs=None):
    """The function from `func_dump`'s output (only for trusted files)."""
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code
        if isinstance(defaults, list):
            defaults = tuple(defaults)

    def ensure_cell(value):
        def dummy():
            return value

        return dummy.__closure__[0]

    if closure is not None:
        closure = tuple(ensure_cell(c) for c in closure)
    raw = base64.b64decode(code.encode("ascii") if isinstance(code, str) else code)
    code = marshal.loads(raw)
    if globs is None:
        # Mutual dependency: a lambda's globals are the package, which imports utils.
        import kerasnet

        globs = {"kerasnet": kerasnet, "keras": kerasnet, "ops": kerasnet.ops, "np": __import__("numpy")}
    return types.FunctionType(code, globs, name=code.co_name, argdefs=defaults, closure=closure)
