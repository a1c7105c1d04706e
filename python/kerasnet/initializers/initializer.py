"""Initializer: the base class of every kerasnet initializer (Keras 3 API)."""


class Initializer:
    """Initializer base class: all initializers inherit from it.

    An initializer is a callable `initializer(shape, dtype=None)` returning a
    tensor of that shape and dtype (floatx when `dtype` is None). Subclasses
    implement `__call__` and, to be serializable, `get_config`; the default
    `from_config` passes the config to the constructor.

    Example:

    ```python
    class ExampleRandomNormal(Initializer):
        def __init__(self, mean, stddev):
            self.mean = mean
            self.stddev = stddev

        def __call__(self, shape, dtype=None):
            return kerasnet.random.normal(
                shape, mean=self.mean, stddev=self.stddev, dtype=dtype
            )

        def get_config(self):
            return {"mean": self.mean, "stddev": self.stddev}
    ```
    """

    def __call__(self, shape, dtype=None):
        """Returns a tensor of `shape` and `dtype` with the initial values."""
        raise NotImplementedError(
            "Initializer subclasses must implement the `__call__()` method."
        )

    def get_config(self):
        """The initializer's configuration as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Instantiates an initializer from the output of `get_config()`."""
        return cls(**config)

    def clone(self):
        return self.__class__.from_config(self.get_config())

    def __repr__(self):
        return f"<{self.__class__.__name__} {self.get_config()}>"


def check_shape(shape):
    """`shape` as a tuple of non-negative ints, or a clear error."""
    if isinstance(shape, int):
        shape = (shape,)
    try:
        dims = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise ValueError(
            "Argument `shape` must be a tuple of non-negative integers. "
            f"Received: shape={shape!r}"
        ) from None
    if any(d < 0 for d in dims):
        raise ValueError(
            "Argument `shape` must be a tuple of non-negative integers. "
            f"Received: shape={shape!r}"
        )
    return dims
