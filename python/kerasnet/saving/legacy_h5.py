"""Loading Keras 2 / tf.keras `.h5` files: full models and weights.

A legacy full-model file holds the attribute `model_config` (JSON: the
Keras 2 config, with `batch_input_shape` and list-style `inbound_nodes`),
optionally `training_config` (loss, metrics, `optimizer_config`), the group
`model_weights` and `optimizer_weights`. A weights file is the
`model_weights` group alone. Inside it, the attribute `layer_names` lists
the saved layers in order; each layer's group lists its datasets in the
attribute `weight_names`, in the order of `layer.trainable_weights +
layer.non_trainable_weights`.

Weights load by topological order (the i-th saved layer with weights into
the i-th model layer with weights) or, with `by_name=True`, into the layers
of the same name. Writing this format is not supported: kerasnet writes
`.keras` and `.weights.h5`.
"""

import json
import warnings

import numpy as np

from kerasnet.saving.h5_store import safe_get_group, safe_read_dataset
from kerasnet import optimizers
from kerasnet.saving.object_registration import CustomObjectScope
from kerasnet.saving.serialization_lib import SafeModeScope, deserialize_keras_object


def _h5py():
    import h5py

    return h5py


def _decode(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value


def load_attributes(group, name):
    """A list attribute, also when Keras split it into `name0`, `name1`, ..."""
    if name in group.attrs:
        values = group.attrs[name]
    else:
        values, chunk = [], 0
        while f"{name}{chunk}" in group.attrs:
            values.extend(group.attrs[f"{name}{chunk}"])
            chunk += 1
    return [_decode(v) for v in np.asarray(values).reshape(-1).tolist()]


def _legacy_weights(layer):
    return layer.trainable_weights + layer.non_trainable_weights


def _read_layer_weights(group, layer_name, source):
    try:
        layer_group = safe_get_group(group, layer_name)
    except KeyError:
        raise ValueError(
            f"'{source}': the file lists layer '{layer_name}' but has no group for it."
        ) from None
    values = []
    for weight_name in load_attributes(layer_group, "weight_names"):
        try:
            parent, _, leaf = weight_name.rpartition("/")
            values.append(safe_read_dataset(
                safe_get_group(layer_group, parent) if parent else layer_group, leaf))
        except KeyError:
            raise ValueError(
                f"'{source}': layer '{layer_name}' lists weight '{weight_name}' "
                "but the file has no such dataset."
            ) from None
    return values


def _set_weights(layer, variables, values, skip_mismatch, source):
    for v, value in zip(variables, values):
        if tuple(v.shape) != tuple(np.shape(value)):
            message = (
                f"Shape mismatch in layer '{layer.name}' for weight "
                f"'{v.name}': the model expects {tuple(v.shape)}, the file "
                f"'{source}' has {tuple(np.shape(value))}."
            )
            if skip_mismatch:
                warnings.warn(f"Skipping loading weights for layer '{layer.name}': {message}",
                              stacklevel=3)
                return
            raise ValueError(message)
    for v, value in zip(variables, values):
        v.assign(np.asarray(value, dtype=v.dtype))


def _top_level_weights(group, model, skip_mismatch, source):
    if "top_level_model_weights" not in group:
        return
    values = _read_layer_weights(group, "top_level_model_weights", source)
    own = model._trainable_variables + model._non_trainable_variables
    if len(values) != len(own):
        if skip_mismatch:
            return
        raise ValueError(
            f"'{source}': the model's own weights: expected {len(own)}, the file has {len(values)}."
        )
    _set_weights(model, own, values, skip_mismatch, source)


def load_weights_from_group(group, model, skip_mismatch=False, source="<h5>"):
    """Loads by topological order (Keras 2's default)."""
    layers = [layer for layer in model.layers if _legacy_weights(layer)]
    names = [n for n in load_attributes(group, "layer_names")
             if n in group and load_attributes(group[n], "weight_names")]
    if len(names) != len(layers):
        raise ValueError(
            "Layer count mismatch when loading weights from file "
            f"'{source}'. Model expected {len(layers)} layers, found "
            f"{len(names)} saved layers."
        )
    for layer, name in zip(layers, names):
        values = _read_layer_weights(group, name, source)
        variables = _legacy_weights(layer)
        if len(values) != len(variables):
            raise ValueError(
                f"Weight count mismatch for layer '{layer.name}' (saved as "
                f"'{name}' in '{source}'): the layer expects {len(variables)} "
                f"weights, the file has {len(values)}."
            )
        _set_weights(layer, variables, values, skip_mismatch, source)
    _top_level_weights(group, model, skip_mismatch, source)


def load_weights_from_group_by_name(group, model, skip_mismatch=False, source="<h5>"):
    """Loads into the layers whose names match the saved ones."""
    by_name = {}
    for layer in model.layers:
        by_name.setdefault(layer.name, []).append(layer)
    for name in load_attributes(group, "layer_names"):
        if name not in by_name:
            continue
        values = _read_layer_weights(group, name, source)
        for layer in by_name[name]:
            variables = _legacy_weights(layer)
            if len(values) != len(variables):
                message = (
                    f"Weight count mismatch for layer '{layer.name}' in "
                    f"'{source}': the layer expects {len(variables)} weights, "
                    f"the file has {len(values)}."
                )
                if skip_mismatch:
                    warnings.warn(f"Skipping loading weights: {message}", stacklevel=2)
                    continue
                raise ValueError(message)
            _set_weights(layer, variables, values, skip_mismatch, source)
    _top_level_weights(group, model, skip_mismatch, source)


def load_weights(model, filepath, by_name=False, skip_mismatch=False):
    """`model.load_weights("x.h5")` for a Keras 2 weights or full-model file."""
    with _open(filepath) as f:
        group = f
        if "layer_names" not in f.attrs and "model_weights" in f:
            group = safe_get_group(f, "model_weights")
        if by_name:
            load_weights_from_group_by_name(group, model, skip_mismatch, filepath)
        else:
            load_weights_from_group(group, model, skip_mismatch, filepath)


def _open(filepath):
    h5py = _h5py()
    try:
        return h5py.File(filepath, mode="r")
    except OSError as e:
        import os

        if not os.path.exists(filepath):
            raise
        raise ValueError(f"'{filepath}' is not a readable HDF5 file: {e}") from None


# -- full models -----------------------------------------------------------------------
def _upgrade_config(config):
    """Keras 2 config details Keras 3's loader converts at the top level."""
    inner = config.get("config")
    if not isinstance(inner, dict):
        return config
    batch_input_shape = inner.pop("batch_input_shape", None)
    if batch_input_shape is not None:
        key = "batch_shape" if config.get("class_name") == "InputLayer" else "batch_input_shape"
        inner[key] = batch_input_shape
    if config.get("class_name") == "Model":
        config["class_name"] = "Functional"
    return config


def _compile_from_training_config(model, training_config, custom_objects, f, source):
    with CustomObjectScope(custom_objects or {}):
        opt_config = dict(training_config.get("optimizer_config") or {"class_name": "rmsprop",
                                                                        "config": {}})
        name = opt_config.get("class_name", "")
        if ">" in name:  # "Custom>Adam" from tf.keras 2.11+
            opt_config["class_name"] = name.split(">")[-1]
        opt_config.setdefault("module", "keras.optimizers")
        opt_config.setdefault("registered_name", None)
        optimizer = optimizers.deserialize(opt_config)

        def restore(value):
            if isinstance(value, dict) and "class_name" in value:
                return deserialize_keras_object(value, custom_objects)
            if isinstance(value, list):
                return [restore(v) for v in value]
            if isinstance(value, dict):
                return {k: restore(v) for k, v in value.items()}
            return value

        model.compile(
            optimizer=optimizer,
            loss=restore(training_config.get("loss")),
            metrics=restore(training_config.get("metrics")),
            weighted_metrics=restore(training_config.get("weighted_metrics")),
            loss_weights=training_config.get("loss_weights"),
        )
    if "optimizer_weights" in f:
        _load_optimizer_weights(model, safe_get_group(f, "optimizer_weights"), source)


def _load_optimizer_weights(model, group, source):
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    values = _read_layer_weights_root(group, source)
    ours = optimizer.variables
    lr = getattr(optimizer, "_learning_rate", None)
    if len(values) == len(ours) - 1 and len(ours) > 1 and ours[1] is lr:
        ours = [ours[0]] + ours[2:]  # tf.keras 2 kept no learning-rate variable
    if len(values) != len(ours) or any(
            tuple(v.shape) != tuple(np.shape(x)) for v, x in zip(ours, values)):
        warnings.warn(
            f"Error in loading the saved optimizer state of '{source}'. As a "
            "result, your model is starting with a freshly initialized optimizer.",
            stacklevel=3,
        )
        return
    for v, x in zip(ours, values):
        v.assign(np.asarray(x, dtype=v.dtype))


def _read_layer_weights_root(group, source):
    values = []
    for weight_name in load_attributes(group, "weight_names"):
        parent, _, leaf = weight_name.rpartition("/")
        try:
            values.append(safe_read_dataset(safe_get_group(group, parent) if parent else group,
                                            leaf))
        except KeyError:
            raise ValueError(
                f"'{source}': optimizer weight '{weight_name}' is listed but missing."
            ) from None
    return values


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a Keras 2 / tf.keras full-model `.h5` file."""
    with _open(filepath) as f:
        model_config = f.attrs.get("model_config")
        if model_config is None:
            raise ValueError(
                f"No model config found in the file at '{filepath}': it is a "
                "weights file; build the model and call `load_weights` instead."
            )
        try:
            config = json.loads(_decode(model_config))
        except ValueError as e:
            raise ValueError(f"'{filepath}': model_config is not valid JSON: {e}") from None
        if not isinstance(config, dict) or "config" not in config:
            raise ValueError(f"'{filepath}': model_config is not a Keras model config.")
        config = _upgrade_config(config)
        try:
            with SafeModeScope(safe_mode):
                model = deserialize_keras_object(config, custom_objects, safe_mode=safe_mode)
        except (TypeError, ValueError, KeyError) as e:
            message = f"Could not load the model in '{filepath}': {e}"
            try:
                error = type(e)(message)
            except Exception:
                error = ValueError(message)
            raise error from e
        if "model_weights" not in f:
            raise ValueError(f"'{filepath}' has a model config but no 'model_weights' group.")
        load_weights_from_group(safe_get_group(f, "model_weights"), model, source=filepath)
        if compile and "training_config" in f.attrs:
            training_config = json.loads(_decode(f.attrs["training_config"]))
            _compile_from_training_config(model, training_config, custom_objects, f, filepath)
    return model
