"""The call context: the `training` flag and the outermost layer of a call tree."""

import threading

_STATE = threading.local()


class CallContext:
    __slots__ = ("entry_layer", "training")

    def __init__(self, entry_layer, training):
        self.entry_layer = entry_layer
        self.training = training


def current():
    return getattr(_STATE, "ctx", None)


def push(ctx):
    prev = getattr(_STATE, "ctx", None)
    _STATE.ctx = ctx
    return prev


def restore(prev):
    _STATE.ctx = prev
