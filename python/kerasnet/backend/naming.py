"""Object names: snake_case class names made unique with _1, _2, ... (as Keras)."""

import re

_UIDS = {}


def to_snake_case(name):
    # Keras 3's rule: "ConvLSTM1D" -> "conv_lstm1d", "Conv2DTranspose" -> "conv2d_transpose".
    name = re.sub(r"\W+", "", name)
    intermediate = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    if insecure[0] != "_":
        return insecure
    return "private" + insecure


def get_uid(prefix):
    """0 the first time `prefix` is seen, then 1, 2, ..."""
    uid = _UIDS.get(prefix, -1) + 1
    _UIDS[prefix] = uid
    return uid


def auto_name(prefix):
    prefix = to_snake_case(prefix)
    uid = get_uid(prefix)
    return prefix if uid == 0 else f"{prefix}_{uid}"


def reset_uids():
    _UIDS.clear()
