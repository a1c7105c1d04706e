"""GradientTape, custom_gradient and stop_gradient (TensorFlow's semantics).

The recording and the backward walk run in the engine (csrc/autograd); this
module handles the Python conventions: nested structures of sources, context
management, `unconnected_gradients`, and Variables handed back by identity.
"""

import contextlib
import functools

from kerasnet import _C
from kerasnet.backend.tensor import Tensor, as_tensor
from kerasnet.backend.variable import variable_by_id
from kerasnet.backend import tree

# `with RecordingPaused():` runs engine ops that no active tape records (metrics, the
# zero runs that infer symbolic output shapes, a custom gradient's forward pass).
RecordingPaused = _C.RecordingPaused


class UnconnectedGradients:
    """What `gradient` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


def _check_tensor(x, what):
    if not isinstance(x, Tensor):
        raise ValueError(
            f"`{what}` must contain only tensors or Variables. "
            f"Received an object of type {type(x).__name__}: {x!r}"
        )


class GradientTape:
    """Records operations for automatic differentiation.

    Ops run inside `with GradientTape() as tape:` on a watched input (a
    trainable Variable read inside the block, or a tensor passed to
    `tape.watch`) are recorded; `tape.gradient(target, sources)` then returns
    d(sum of target)/d(source) for each source, in the structure of `sources`.

    Args:
        persistent: allow several `gradient` calls (the recorded ops are kept
            until the tape is deleted).
        watch_accessed_variables: watch trainable Variables automatically
            when they are read while the tape is active.

    Example:

    >>> x = kerasnet.Variable(3.0)
    >>> with kerasnet.GradientTape() as tape:
    ...     y = x * x
    >>> tape.gradient(y, x)  # 6.0
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = bool(persistent)
        self._watch_accessed_variables = bool(watch_accessed_variables)
        self._tape = _C.Tape(self._persistent, self._watch_accessed_variables)
        # What watched_variables() returns once a non-persistent tape has released its record.
        self._released_variables = None

    def __enter__(self):
        self._tape.push()
        return self

    def __exit__(self, exc_type, exc, tb):
        self._tape.pop()
        return False

    @property
    def persistent(self):
        return self._persistent

    def watch(self, tensor):
        """Watches a tensor, Variable, or nested structure of them."""
        for t in tree.flatten(tensor):
            _check_tensor(t, "tensor")
            self._tape.watch(t)

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily stops recording ops on this tape."""
        if not self._tape.active:
            raise ValueError(
                "Tape.stop_recording() called on a tape that is not "
                "currently recording (use it inside the tape's `with` block)."
            )
        was = self._tape.recording
        self._tape.set_recording(False)
        try:
            yield
        finally:
            self._tape.set_recording(was)

    def reset(self):
        """Clears everything recorded so far."""
        self._tape.reset()
        self._released_variables = None

    def watched_variables(self):
        """The Variables watched by this tape, in the order they were watched."""
        if self._released_variables is not None:
            return self._released_variables
        out = []
        for tid in self._tape.watched_variable_ids():
            v = variable_by_id(tid)
            if v is not None:
                out.append(v)
        return tuple(out)

    def gradient(
        self,
        target,
        sources,
        output_gradients=None,
        unconnected_gradients=UnconnectedGradients.NONE,
    ):
        """Gradients of `target` with respect to `sources`.

        Args:
            target: a tensor or nested structure of tensors; a non-scalar
                target is differentiated as the sum of its elements, several
                targets as the sum of their sums.
            sources: a tensor, Variable, or nested structure of them.
            output_gradients: upstream gradients, one per target.
            unconnected_gradients: "none" (return None) or "zero" (return
                zeros) for sources the target does not depend on.

        Returns:
            The gradients, in the structure of `sources`.
        """
        unconnected = getattr(unconnected_gradients, "value", unconnected_gradients)
        if unconnected not in ("none", "zero"):
            raise ValueError(
                "Unknown value for unconnected_gradients: "
                f"{unconnected_gradients!r}. Expected 'none' or 'zero'."
            )
        targets = tree.flatten(target)
        flat_sources = tree.flatten(sources)
        for s in flat_sources:
            _check_tensor(s, "sources")
        if not self._persistent and self._tape.active:
            # TF stops recording a non-persistent tape whose gradient is taken
            # inside its own block.
            self._tape.set_recording(False)
        og = None
        if output_gradients is not None:
            og = tree.flatten(output_gradients)
        if not self._persistent and self._released_variables is None:
            # The engine drops the record (watched variables included) after this call; TF
            # still lists the watched variables afterwards.
            self._released_variables = self.watched_variables()
        grads = self._tape.gradient(targets, flat_sources, og)
        if unconnected == "zero":
            grads = [
                g if g is not None else _C.zeros_like(s)
                for g, s in zip(grads, flat_sources)
            ]
        return tree.pack_sequence_as(sources, grads)

    def jacobian(self, target, sources, unconnected_gradients="none"):
        """d target[i...] / d source for every element of `target`.

        Returns, per source, a tensor of shape target.shape + source.shape.
        Needs a persistent tape when the target has more than one element.
        """
        flat_sources = tree.flatten(sources)
        n = int(target.size)
        basis = _C.eye(n, n, 0, target.dtype)
        rows = [[] for _ in flat_sources]
        for i in range(n):
            seed = _C.reshape(basis[i], target.shape)
            grads = self.gradient(
                target,
                flat_sources,
                output_gradients=[seed],
                unconnected_gradients=unconnected_gradients,
            )
            for k, g in enumerate(grads):
                rows[k].append(g)
        out = []
        for k, s in enumerate(flat_sources):
            if not rows[k] or any(g is None for g in rows[k]):
                out.append(None if rows[k] else _C.zeros((0,) + s.shape))
                continue
            stacked = _C.stack(rows[k], 0)
            out.append(_C.reshape(stacked, tuple(target.shape) + tuple(s.shape)))
        return tree.pack_sequence_as(sources, out)


def stop_gradient(x):
    """The value of x, held constant by every tape."""
    return _C.stop_gradient(x)


def custom_gradient(f):
    """Decorator giving `f` its own gradient (TensorFlow's convention).

    `f(*args)` returns `(y, grad_fn)`; `grad_fn(*upstream)` receives the
    gradient of each output of `y` and returns one gradient per tensor
    argument of `f` (a single gradient or a list/tuple of them).

    Example:

    >>> @kerasnet.custom_gradient
    ... def clipped_identity(x):
    ...     def grad(upstream):
    ...         return kerasnet.ops.clip(upstream, -1.0, 1.0)
    ...     return x, grad
    """

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        inputs = [a for a in tree.flatten(list(args)) if isinstance(a, Tensor)]
        with RecordingPaused():
            result, grad_fn = f(*args, **kwargs)
        outputs = tree.flatten(result)
        aliases = [_C.stop_gradient(as_tensor(o)) for o in outputs]
        if inputs and _C.any_tape_recording():
            _C.record_custom(inputs, aliases, grad_fn)
        return tree.pack_sequence_as(result, aliases)

    return wrapped
